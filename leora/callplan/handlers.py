"""callplan_generate: build the week's call plans of a tenant's reps (all of them, or the ones named).

Scheduled Mondays at 06:00 in each tenant's time zone for the current week, and enqueued on demand by
POST /api/callplan/weeks/{week}/generate for one person. Safe to repeat: regenerating replaces only
the proposals nobody touched, so a retried run leaves what the rep scheduled alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from leora.callplan.generation import plans_generate
from leora.errors import InvalidInput
from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register
from leora.tenancy.calendar import week_bounds, week_start


class CallPlanGeneratePayload(Payload):
    week_start: date | None = Field(None, description="the Monday of the week; the current week when unset")
    user_ids: list[int] | None = Field(
        None, min_length=1, max_length=10000, description="only these people; everyone with a book when unset"
    )


@register(
    "callplan_generate", schema=CallPlanGeneratePayload, priority=0, max_attempts=3, timeout_seconds=1800,
    description="Builds the reps' call plans for a week.",
)  # fmt: skip
def callplan_generate(ctx: JobContext, payload: CallPlanGeneratePayload) -> dict[str, Any]:
    """Generate the plans, reporting progress per rep; the result counts plans and items."""
    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("callplan_generate needs a tenant")
    monday = payload.week_start or week_bounds(tenant)[0]
    if monday != week_start(monday):
        raise PermanentFailure(f"{monday.isoformat()} is not a Monday: a week is given by its Monday")

    def progress(done: int, total: int) -> None:
        ctx.progress(100 * done / total, f"{done:,} of {total:,} plans")

    ctx.progress(1, "reading the segments")
    try:
        plans = plans_generate(tenant=tenant, monday=monday, user_ids=payload.user_ids, progress=progress)
    except InvalidInput as exc:
        raise PermanentFailure(exc.detail) from exc
    return {"week_start": monday.isoformat(), "plans": len(plans)}
