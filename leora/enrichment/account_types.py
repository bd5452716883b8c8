"""account_type_update: move accounts between PROSPECT, TARGET and ACTIVE from their order history.

Scheduled daily at 02:00 for every tenant. The payload schema is final; the handler arrives with
the job-handlers work.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from leora.jobs.handlers._pending import not_implemented
from leora.jobs.registry import Payload, register


class AccountTypeUpdatePayload(Payload):
    as_of: dt.date | None = Field(None, description="evaluate as of this date; today when unset")
    customer_ids: list[int] | None = Field(None, max_length=10000, description="only these accounts")


register(
    "account_type_update", schema=AccountTypeUpdatePayload, priority=-5, max_attempts=3, timeout_seconds=1800,
    description="Recomputes every account's type.",
)(not_implemented)  # fmt: skip
