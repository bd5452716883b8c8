"""This week's revenue against quota, and the daily pace needed on the working days left."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from leora.crm.models import OrderStatus
from leora.crm.selectors.orders import order_list
from leora.crm.selectors.quotas import quota_list
from leora.dashboard.widgets.common import money
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register
from leora.tenancy.calendar import week_start

WORKING_DAYS = 5


class Config(WidgetConfig):
    pass


def working_days_left(today_weekday: int) -> int:
    """Return the working days (Monday to Friday) from today to Friday, today included; 0 at weekends."""
    return max(0, WORKING_DAYS - today_weekday)


@register(
    "quota_progress",
    title="Quota this week",
    description="Revenue this week against quota, with the daily pace needed to reach it.",
    config=Config,
    size="medium",
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    monday = week_start(ctx.today)
    sunday = monday + timedelta(days=6)
    orders = order_list(actor=ctx.actor, order_date_from=monday, order_date_to=sunday)
    revenue = orders.exclude(status=OrderStatus.CANCELLED).aggregate(total=Sum("total"))["total"] or Decimal(
        0
    )
    quotas = quota_list(actor=ctx.actor, week_start_from=monday, week_start_to=monday)
    quota = quotas.aggregate(total=Sum("revenue_target"))["total"]
    days_left = working_days_left(ctx.today.weekday())
    remaining = max(Decimal(0), quota - revenue) if quota else Decimal(0)
    return {
        "week_start": monday.isoformat(),
        "week_end": sunday.isoformat(),
        "revenue": money(revenue),
        "quota": money(quota) if quota is not None else None,
        "percent": int(revenue * 100 / quota) if quota else None,
        "remaining": money(remaining),
        "working_days_left": days_left,
        "daily_pace_needed": money(remaining / days_left) if quota and days_left else None,
    }
