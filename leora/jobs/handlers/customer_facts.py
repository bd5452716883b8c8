"""customer_facts_rebuild: recompute a tenant's customer facts (all customers, or the ids given).

Scheduled nightly at 00:05 in each tenant's timezone, so the rolling windows (last 30/90 days, ...) stored in
the facts are those of the new day; writes keep the facts current between rebuilds. Also enqueued
on demand (``leora rebuild_facts`` runs the same rebuild in the foreground).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from leora.crm.facts import facts_rebuild
from leora.dbstats import planner_statistics_refresh
from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register


class CustomerFactsRebuildPayload(Payload):
    customer_ids: list[int] | None = Field(
        None, min_length=1, max_length=10000, description="only these customers; the whole tenant when unset"
    )
    as_of: dt.date | None = Field(
        None, description="compute the rolling windows for this day; today when unset"
    )


@register(
    "customer_facts_rebuild", schema=CustomerFactsRebuildPayload, priority=-5, max_attempts=3,
    timeout_seconds=3600, description="Recomputes the customer facts the metrics read.",
)  # fmt: skip
def customer_facts_rebuild(ctx: JobContext, payload: CustomerFactsRebuildPayload) -> dict[str, Any]:
    """Rebuild in batches (each its own transaction), reporting progress after each one."""
    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("customer_facts_rebuild needs a tenant")

    def progress(done: int, total: int) -> None:
        ctx.progress(100 * done / total if total else 100, f"{done:,} of {total:,} customers")

    rebuilt = facts_rebuild(
        tenant=tenant, customer_ids=payload.customer_ids, as_of=payload.as_of, progress=progress
    )
    if payload.customer_ids is None:
        # The nightly run is also when the planner's statistics catch up with the day's writes.
        planner_statistics_refresh()
    return {"customers": rebuilt}
