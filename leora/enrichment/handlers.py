"""customer_enrichment: fill in missing details of accounts (address, licence, category).

The payload schema is final; the handler arrives with the job-handlers work.
"""

from __future__ import annotations

from pydantic import Field

from leora.jobs.handlers._pending import not_implemented
from leora.jobs.registry import Payload, register


class CustomerEnrichmentPayload(Payload):
    customer_ids: list[int] = Field(..., min_length=1, max_length=1000)
    fields: list[str] = Field(default_factory=list, max_length=20, description="empty means every field")
    overwrite: bool = False


register(
    "customer_enrichment", schema=CustomerEnrichmentPayload, priority=0, max_attempts=5, timeout_seconds=600,
    description="Completes account details from outside sources.",
)(not_implemented)  # fmt: skip
