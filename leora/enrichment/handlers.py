"""customer_enrichment: derive and store per customer the cadence, RFM scores and segment, health
score with its reasons, preferred products and typical order weekday (``leora.enrichment.compute``).

Runs for one customer after each new order (``enrichment_after_order``, one pending job per customer
however many orders arrive) and for the whole tenant nightly at 01:30 (``JOB_SCHEDULE``), after the
facts rebuild and before the account types.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from leora.enrichment.compute import enrichment_compute
from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register


class CustomerEnrichmentPayload(Payload):
    customer_ids: list[int] | None = Field(
        None, min_length=1, max_length=1000, description="only these customers; the whole tenant when unset"
    )
    as_of: dt.date | None = Field(None, description="compute as of this date; the tenant's today when unset")


@register(
    "customer_enrichment", schema=CustomerEnrichmentPayload, priority=0, max_attempts=5, timeout_seconds=1800,
    description="Derives each account's cadence, RFM segment, health score, preferred products and weekday.",
)  # fmt: skip
def customer_enrichment(ctx: JobContext, payload: CustomerEnrichmentPayload) -> dict[str, Any]:
    """Compute in batches (each its own transaction), reporting progress after each one."""
    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("customer_enrichment needs a tenant")

    def progress(done: int, total: int) -> None:
        ctx.progress(100 * done / total if total else 100, f"{done:,} of {total:,} customers")

    return enrichment_compute(
        tenant=tenant, customer_ids=payload.customer_ids, as_of=payload.as_of, progress=progress
    )
