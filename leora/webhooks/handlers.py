"""webhook_dispatch: POST one event to a subscriber's URL, signed, retried with backoff.

The payload schema is final; the handler arrives with the job-handlers work.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, HttpUrl

from leora.jobs.handlers._pending import not_implemented
from leora.jobs.registry import Payload, register


class WebhookDispatchPayload(Payload):
    url: HttpUrl
    event: str = Field(..., min_length=1, max_length=100)
    body: dict[str, Any] = Field(default_factory=dict)
    subscription_id: int | None = Field(None, ge=1)


register(
    "webhook_dispatch", schema=WebhookDispatchPayload, priority=5, max_attempts=8, timeout_seconds=30,
    description="Delivers one webhook event.",
)(not_implemented)  # fmt: skip
