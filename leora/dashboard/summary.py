"""The sales summary: this and last week's revenue, quota and progress, unique customers this week and
the health counts from the tenant's metric definitions, each number naming its drilldown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from leora.crm.models import OrderStatus
from leora.crm.selectors.orders import order_list
from leora.crm.selectors.quotas import quota_list
from leora.dashboard.drilldowns import week_of
from leora.dashboard.widgets.common import metric_ref, money, with_attributes
from leora.dashboard.widgets.registry import WidgetContext
from leora.metrics.evaluation import metric_count, metric_customers

# Each health count: its key in the summary, the metric definition behind it and its drilldown.
HEALTH = (
    ("healthy", "healthy_customer", "healthy-customers"),
    ("due", "due_to_order", "customers-due"),
    ("at_risk", "at_risk_customer", "at-risk-cadence"),
    ("dormant", "dormant_customer", "dormant-customers"),
)


def _revenue(ctx: WidgetContext, weeks_back: int) -> Decimal:
    monday, sunday = week_of(ctx, weeks_back)
    orders = order_list(actor=ctx.actor, order_date_from=monday, order_date_to=sunday)
    return orders.exclude(status=OrderStatus.CANCELLED).aggregate(t=Sum("total"))["t"] or Decimal(0)


def sales_summary(ctx: WidgetContext) -> dict[str, Any]:
    """Return every number of the sales summary for ``ctx``'s scope, with the drilldown behind each."""
    tenant = ctx.actor.tenant
    monday, sunday = week_of(ctx)
    this_week, last_week = _revenue(ctx, 0), _revenue(ctx, 1)
    quota = quota_list(actor=ctx.actor, week_start_from=monday, week_start_to=monday).aggregate(
        t=Sum("revenue_target")
    )["t"]
    unique = (
        order_list(actor=ctx.actor, order_date_from=monday, order_date_to=sunday)
        .exclude(status=OrderStatus.CANCELLED)
        .values("customer_id")
        .distinct()
        .count()
    )
    at_risk = metric_customers(tenant, "at_risk_customer", ctx.actor, today=ctx.today)
    at_risk_revenue = with_attributes(at_risk, tenant, ctx.today, ["average_order_value"]).aggregate(
        t=Sum("attr_average_order_value")
    )["t"]
    return {
        "week_start": monday.isoformat(),
        "week_end": sunday.isoformat(),
        "this_week_revenue": {"value": money(this_week), "drilldown": "this-week-revenue"},
        "last_week_revenue": {"value": money(last_week), "drilldown": "last-week-revenue"},
        "quota": {
            "value": money(quota) if quota is not None else None,
            "percent": int(this_week * 100 / quota) if quota else None,
            "drilldown": "weekly-quota",
        },
        "unique_customers": {"value": unique, "drilldown": "unique-customers"},
        "health": {
            key: {
                "value": metric_count(tenant, code, ctx.actor, today=ctx.today),
                "metric": metric_ref(tenant, code),
                "drilldown": drilldown,
            }
            for key, code, drilldown in HEALTH
        },
        "at_risk_revenue": {
            "value": money(at_risk_revenue),
            "metric": metric_ref(tenant, "at_risk_customer"),
            "drilldown": "at-risk-revenue",
        },
    }
