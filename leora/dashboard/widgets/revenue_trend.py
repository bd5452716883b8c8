"""Weekly revenue for the last N weeks against the same weeks a year earlier."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from pydantic import Field

from leora.crm.models import OrderStatus
from leora.crm.selectors.orders import order_list
from leora.dashboard.widgets.common import money
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register
from leora.tenancy.calendar import week_start

# Wine is seasonal: compare each week with the one 52 weeks earlier, which starts on a Monday too.
YEAR = timedelta(weeks=52)


class Config(WidgetConfig):
    weeks: int = Field(13, ge=2, le=104, description="how many weeks to show, this one included")


def _weekly(ctx: WidgetContext, first: Any, last: Any) -> dict[Any, Decimal]:
    orders = order_list(actor=ctx.actor, order_date_from=first, order_date_to=last).exclude(
        status=OrderStatus.CANCELLED
    )
    totals: dict[Any, Decimal] = {}
    for day, total in orders.order_by().values_list("order_date").annotate(total=Sum("total")):
        monday = week_start(day)
        totals[monday] = totals.get(monday, Decimal(0)) + (total or Decimal(0))
    return totals


@register(
    "revenue_trend",
    title="Revenue trend",
    description="Weekly revenue against the same weeks last year.",
    config=Config,
    size="medium",
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    this_week = week_start(ctx.today)
    weeks = [this_week - timedelta(weeks=n) for n in range(config.weeks - 1, -1, -1)]
    end = this_week + timedelta(days=6)
    current = _weekly(ctx, weeks[0], end)
    earlier = _weekly(ctx, weeks[0] - YEAR, end - YEAR)
    return {
        "weeks": [
            {
                "week_start": monday.isoformat(),
                "revenue": money(current.get(monday)),
                "last_year": money(earlier.get(monday - YEAR)),
            }
            for monday in weeks
        ],
        "total": money(sum(current.values(), Decimal(0))),
        "total_last_year": money(sum(earlier.values(), Decimal(0))),
    }
