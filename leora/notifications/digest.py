"""notification_digest: the morning email of what needs attention (due accounts, tasks, overdue invoices).

Scheduled daily at 07:00 in each tenant's timezone. The payload schema is final; the handler arrives
with the job-handlers work.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from leora.jobs.handlers._pending import not_implemented
from leora.jobs.registry import Payload, register


class NotificationDigestPayload(Payload):
    date: dt.date | None = Field(
        None, description="the digest's day; today in the tenant's timezone when unset"
    )
    user_ids: list[int] | None = Field(None, max_length=10000, description="only these users")


register(
    "notification_digest", schema=NotificationDigestPayload, priority=0, max_attempts=3, timeout_seconds=900,
    description="Sends each user their morning digest.",
)(not_implemented)  # fmt: skip
