"""Activities this week against last week, by type, and by rep for people who lead a team."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count

from leora.crm.models import ActivityKind
from leora.crm.selectors.activities import activity_list
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register
from leora.tenancy.calendar import week_start


class Config(WidgetConfig):
    pass


def _counts(ctx: WidgetContext, first: Any, last: Any, *fields: str) -> list[dict[str, Any]]:
    activities = activity_list(actor=ctx.actor, occurred_from=first, occurred_to=last)
    return list(activities.order_by().values(*fields).annotate(n=Count("pk")))


@register(
    "activity_summary",
    title="Activity this week",
    description="Calls, visits, tastings, emails and notes this week against last week.",
    config=Config,
    size="large",
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    monday = week_start(ctx.today)
    last_monday = monday - timedelta(days=7)
    this_week = {row["kind"]: row["n"] for row in _counts(ctx, monday, monday + timedelta(days=6), "kind")}
    last_week = {
        row["kind"]: row["n"] for row in _counts(ctx, last_monday, monday - timedelta(days=1), "kind")
    }
    by_rep: list[dict[str, Any]] = []
    if ctx.actor.leads_people and ctx.rep_id is None:
        rows = _counts(ctx, monday, monday + timedelta(days=6), "user_id", "user__full_name", "user__email")
        by_rep = sorted(
            (
                {
                    "user_id": r["user_id"],
                    "name": r["user__full_name"] or r["user__email"] or "Nobody",
                    "count": r["n"],
                }
                for r in rows
            ),
            key=lambda r: (-r["count"], r["name"]),
        )
    return {
        "week_start": monday.isoformat(),
        "kinds": [
            {
                "kind": kind.value,
                "label": str(kind.label),
                "this_week": this_week.get(kind.value, 0),
                "last_week": last_week.get(kind.value, 0),
            }
            for kind in ActivityKind
        ],
        "this_week_total": sum(this_week.values()),
        "last_week_total": sum(last_week.values()),
        "by_rep": by_rep,
    }
