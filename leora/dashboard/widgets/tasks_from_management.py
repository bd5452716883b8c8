"""Open tasks someone else handed to the viewer (or the rep filtered to), overdue first."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from pydantic import Field

from leora.crm.models import OPEN_TASK_STATUSES
from leora.crm.selectors.tasks import overdue_condition, task_list
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register


class Config(WidgetConfig):
    limit: int = Field(8, ge=1, le=50, description="how many tasks to list")


@register(
    "tasks_from_management",
    title="Tasks handed to you",
    description="Open tasks assigned to you by someone else, overdue first, with who assigned them.",
    config=Config,
    size="large",
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    person = ctx.rep_id or ctx.actor.user.pk
    tasks = task_list(
        actor=ctx.actor, assigned_to_id=person, statuses=OPEN_TASK_STATUSES, from_others=True
    ).order_by(F("is_overdue").desc(), F("due_date").asc(nulls_last=True), "pk")
    rows = list(tasks[: config.limit])
    return {
        "total": tasks.count(),
        "overdue": tasks.filter(overdue_condition(ctx.today)).count(),
        "items": [
            {
                "id": t.pk,
                "title": t.title,
                "priority": t.priority,
                "due_date": t.due_date.isoformat() if t.due_date else None,
                "is_overdue": bool(t.is_overdue),  # type: ignore[attr-defined]
                "assigned_by": t.assigned_by.display_name if t.assigned_by else None,
                "customer": {"id": t.customer.pk, "name": t.customer.name} if t.customer else None,
            }
            for t in rows
        ],
    }
