"""Calendar events of the next days, soonest first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from pydantic import Field

from leora.crm.selectors.events import event_list
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register
from leora.tenancy.calendar import tenant_midnight


class Config(WidgetConfig):
    days: int = Field(7, ge=1, le=60, description="how many days ahead, today included")
    limit: int = Field(8, ge=1, le=50, description="how many events to list")


@register(
    "upcoming_events",
    title="Upcoming events",
    description="Visits, tastings and meetings booked for the next days.",
    config=Config,
    size="medium",
    fresh_minutes=5,
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    tenant = ctx.actor.tenant
    end = tenant_midnight(tenant, ctx.today + timedelta(days=config.days))
    start = max(timezone.now(), tenant_midnight(tenant, ctx.today))
    events = event_list(actor=ctx.actor, starts_from=start, starts_to=end).order_by("starts_at", "pk")
    rows = list(events[: config.limit])
    return {
        "days": config.days,
        "total": events.count(),
        "items": [
            {
                "id": e.pk,
                "title": e.title,
                "starts_at": timezone.localtime(e.starts_at, tenant.tzinfo).isoformat(),
                "ends_at": timezone.localtime(e.ends_at, tenant.tzinfo).isoformat(),
                "location": e.location,
                "customer": {"id": e.customer.pk, "name": e.customer.name} if e.customer else None,
                "user": e.user.display_name,
            }
            for e in rows
        ],
    }
