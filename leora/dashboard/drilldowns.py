"""The rows behind every number on the dashboard: one drilldown per number, a sortable, paginated list
that can also be downloaded as CSV.

Customer drilldowns start from the metric definition behind the number (``metric_customers``), so the
list always holds exactly the customers the count counted; money drilldowns start from the same order
and quota selectors as the revenue figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from leora.crm.models import Customer, Order, OrderStatus
from leora.crm.selectors.orders import order_list
from leora.crm.selectors.quotas import quota_list
from leora.crm.visibility import visible_customers
from leora.dashboard.widgets.common import metric_ref, money, whole, with_attributes
from leora.dashboard.widgets.registry import WidgetContext
from leora.errors import InvalidInput, NotFound
from leora.metrics.evaluation import metric_customers, metric_values
from leora.metrics.formula.catalog import from_day_number
from leora.tenancy.calendar import week_start

MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, money, number, date
    sort: str | None = None  # the expression name it orders by; None: not sortable


@dataclass(frozen=True)
class Drilldown:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    default_ordering: str
    rows: Callable[[WidgetContext], QuerySet[Any]]
    row: Callable[[Any], dict[str, Any]]
    metric: str | None = None

    def sorts(self) -> dict[str, str]:
        return {c.key: c.sort for c in self.columns if c.sort}


def week_of(ctx: WidgetContext, weeks_back: int = 0) -> tuple[date, date]:
    """Return (Monday, Sunday) of the week ``weeks_back`` before the current one."""
    monday = week_start(ctx.today) - timedelta(weeks=weeks_back)
    return monday, monday + timedelta(days=6)


# ---------------------------------------------------------------------------------- customer drilldowns

CADENCE = [
    "days_since_last_order",
    "median_order_interval_days",
    "average_order_value",
    "expected_next_order_date",
    "overdue_ratio",
]


def _last_order_total(tenant_id: int) -> Subquery:
    latest = (
        Order.objects.for_tenant(tenant_id)
        .filter(customer_id=OuterRef("pk"))
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("-order_date", "-pk")
        .values("total")[:1]
    )
    return Subquery(latest, output_field=MONEY)


def _cadence(customers: QuerySet[Customer], ctx: WidgetContext) -> QuerySet[Customer]:
    annotated = with_attributes(customers, ctx.actor.tenant, ctx.today, CADENCE)
    return annotated.annotate(last_order_total=_last_order_total(ctx.actor.tenant.pk)).select_related(
        "assigned_rep"
    )


def _segment(code: str) -> Callable[[WidgetContext], QuerySet[Customer]]:
    def rows(ctx: WidgetContext) -> QuerySet[Customer]:
        return _cadence(metric_customers(ctx.actor.tenant, code, ctx.actor, today=ctx.today), ctx)

    return rows


def _customer_row(customer: Customer) -> dict[str, Any]:
    expected = from_day_number(getattr(customer, "attr_expected_next_order_date", None))
    ratio = getattr(customer, "attr_overdue_ratio", None)
    row = {
        "id": customer.pk,
        "name": customer.name,
        "account_number": customer.account_number,
        "rep": customer.assigned_rep.display_name if customer.assigned_rep else "",
        "days_since_last_order": whole(getattr(customer, "attr_days_since_last_order", None)),
        "usual_interval_days": whole(getattr(customer, "attr_median_order_interval_days", None)),
        "overdue_ratio": None if ratio is None else round(ratio, 2),
        "usual_order_value": money(getattr(customer, "attr_average_order_value", None)),
        "last_order_value": money(getattr(customer, "last_order_total", None)),
        "expected_next_order": expected.isoformat() if expected else None,
    }
    if hasattr(customer, "health_score"):
        row["health_score"] = whole(customer.health_score)
    return row


_CUSTOMER_COLUMNS = (
    Column("name", "Customer", sort="name"),
    Column("rep", "Rep", sort="assigned_rep__full_name"),
    Column("days_since_last_order", "Days since last order", "number", sort="attr_days_since_last_order"),
    Column("usual_interval_days", "Usual interval (days)", "number", sort="attr_median_order_interval_days"),
    Column("overdue_ratio", "Overdue ratio", "number", sort="attr_overdue_ratio"),
    Column("usual_order_value", "Usual order value", "money", sort="attr_average_order_value"),
    Column("last_order_value", "Last order value", "money", sort="last_order_total"),
    Column("expected_next_order", "Expected next order", "date", sort="attr_expected_next_order_date"),
)


def _health_rows(ctx: WidgetContext) -> QuerySet[Customer]:
    scored = metric_values(ctx.actor.tenant, "health_score", ctx.actor, today=ctx.today, name="health_score")
    return _cadence(scored, ctx)


# ------------------------------------------------------------------------------------- money drilldowns


def _unique_customers(ctx: WidgetContext) -> QuerySet[Customer]:
    monday, sunday = week_of(ctx)
    this_week = Q(orders__order_date__range=(monday, sunday)) & ~Q(orders__status=OrderStatus.CANCELLED)
    return (
        visible_customers(ctx.actor)
        .annotate(
            week_orders=Count("orders", filter=this_week), week_revenue=Sum("orders__total", filter=this_week)
        )
        .filter(week_orders__gt=0)
        .select_related("assigned_rep")
    )


def _unique_row(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": customer.name,
        "account_number": customer.account_number,
        "rep": customer.assigned_rep.display_name if customer.assigned_rep else "",
        "orders": customer.week_orders,  # type: ignore[attr-defined]
        "revenue": money(customer.week_revenue),  # type: ignore[attr-defined]
    }


def _week_orders(weeks_back: int) -> Callable[[WidgetContext], QuerySet[Order]]:
    def rows(ctx: WidgetContext) -> QuerySet[Order]:
        monday, sunday = week_of(ctx, weeks_back)
        orders = order_list(actor=ctx.actor, order_date_from=monday, order_date_to=sunday)
        return orders.exclude(status=OrderStatus.CANCELLED).prefetch_related(None)

    return rows


def _order_row(order: Order) -> dict[str, Any]:
    return {
        "id": order.pk,
        "order_number": order.order_number,
        "order_date": order.order_date.isoformat(),
        "customer": order.customer.name,
        "customer_id": order.customer_id,
        "rep": order.rep.display_name if order.rep else "",
        "status": order.status,
        "total": money(order.total),
    }


_ORDER_COLUMNS = (
    Column("order_number", "Order", sort="order_number"),
    Column("order_date", "Date", "date", sort="order_date"),
    Column("customer", "Customer", sort="customer__name"),
    Column("rep", "Rep", sort="rep__full_name"),
    Column("status", "Status", sort="status"),
    Column("total", "Total", "money", sort="total"),
)


def _weekly_quota(ctx: WidgetContext) -> QuerySet[Any]:
    monday, sunday = week_of(ctx)
    revenue = (
        order_list(actor=ctx.actor, order_date_from=monday, order_date_to=sunday)
        .exclude(status=OrderStatus.CANCELLED)
        .filter(customer__assigned_rep_id=OuterRef("user_id"))
        .order_by()
        .values("customer__assigned_rep_id")
        .annotate(total=Sum("total"))
        .values("total")
    )
    return quota_list(actor=ctx.actor, week_start_from=monday, week_start_to=monday).annotate(
        revenue=Coalesce(Subquery(revenue, output_field=MONEY), 0, output_field=MONEY),
        rep_name=F("user__full_name"),
    )


def _quota_row(quota: Any) -> dict[str, Any]:
    target = quota.revenue_target
    return {
        "id": quota.pk,
        "rep": quota.user.display_name,
        "week_start": quota.week_start.isoformat(),
        "quota": money(target),
        "revenue": money(quota.revenue),
        "percent": int(quota.revenue * 100 / target) if target else None,
    }


DRILLDOWNS: dict[str, Drilldown] = {
    d.name: d
    for d in (
        Drilldown(
            "at-risk-cadence", "At-risk customers", "Late against their own rhythm, most overdue first.",
            _CUSTOMER_COLUMNS, "-days_since_last_order", _segment("at_risk_customer"), _customer_row,
            metric="at_risk_customer",
        ),
        Drilldown(
            "at-risk-revenue", "Revenue at stake", "At-risk customers by what they usually order.",
            _CUSTOMER_COLUMNS, "-usual_order_value", _segment("at_risk_customer"), _customer_row,
            metric="at_risk_customer",
        ),
        Drilldown(
            "dormant-customers", "Dormant customers", "Buyers who have stopped ordering.",
            _CUSTOMER_COLUMNS, "-days_since_last_order", _segment("dormant_customer"), _customer_row,
            metric="dormant_customer",
        ),
        Drilldown(
            "healthy-customers", "Healthy customers", "Ordering on their usual rhythm.",
            _CUSTOMER_COLUMNS, "name", _segment("healthy_customer"), _customer_row, metric="healthy_customer",
        ),
        Drilldown(
            "customers-due", "Customers due to order", "Next order expected soon, soonest first.",
            _CUSTOMER_COLUMNS, "expected_next_order", _segment("due_to_order"), _customer_row,
            metric="due_to_order",
        ),
        Drilldown(
            "customer-health", "Customer health", "Every account's health score, weakest first.",
            (*_CUSTOMER_COLUMNS, Column("health_score", "Health score", "number", sort="health_score")),
            "health_score", _health_rows, _customer_row, metric="health_score",
        ),
        Drilldown(
            "unique-customers", "Customers who ordered this week", "Accounts with an order this week.",
            (
                Column("name", "Customer", sort="name"),
                Column("rep", "Rep", sort="assigned_rep__full_name"),
                Column("orders", "Orders", "number", sort="week_orders"),
                Column("revenue", "Revenue", "money", sort="week_revenue"),
            ),
            "-revenue", _unique_customers, _unique_row,
        ),
        Drilldown(
            "weekly-quota", "Quota this week", "Each rep's quota and revenue this week.",
            (
                Column("rep", "Rep", sort="rep_name"),
                Column("quota", "Quota", "money", sort="revenue_target"),
                Column("revenue", "Revenue", "money", sort="revenue"),
                Column("percent", "Reached", "number"),
            ),
            "rep", _weekly_quota, _quota_row,
        ),
        Drilldown(
            "this-week-revenue", "Revenue this week", "Orders this week, not cancelled.",
            _ORDER_COLUMNS, "-order_date", _week_orders(0), _order_row,
        ),
        Drilldown(
            "last-week-revenue", "Revenue last week", "Orders last week, not cancelled.",
            _ORDER_COLUMNS, "-order_date", _week_orders(1), _order_row,
        ),
    )
}  # fmt: skip


def drilldown_get(name: str) -> Drilldown:
    """Return the drilldown ``name``, or NotFound listing the known ones."""
    drilldown = DRILLDOWNS.get(name)
    if drilldown is None:
        raise NotFound(f"no drilldown {name!r}; choose one of {', '.join(DRILLDOWNS)}")
    return drilldown


def drilldown_rows(drilldown: Drilldown, ctx: WidgetContext, ordering: str | None) -> QuerySet[Any]:
    """Return the drilldown's rows for ``ctx`` ordered by a sortable column (``-`` for descending; a
    422 naming ``ordering`` otherwise); rows without a value sort last either way."""
    wanted = ordering or drilldown.default_ordering
    key = wanted.lstrip("-")
    sorts = drilldown.sorts()
    if key not in sorts:
        raise InvalidInput.on(
            "ordering", f"cannot order by {wanted!r}; choose one of {', '.join(sorted(sorts))}"
        )
    column = F(sorts[key])
    order = column.desc(nulls_last=True) if wanted.startswith("-") else column.asc(nulls_last=True)
    return drilldown.rows(ctx).order_by(order, "pk")


def drilldown_csv(drilldown: Drilldown, rows: QuerySet[Any]) -> Iterator[list[str]]:
    """Yield the CSV lines of ``rows``: a header of column labels, then one line per row."""
    yield [c.label for c in drilldown.columns]
    for obj in rows.iterator(chunk_size=2000):
        row = drilldown.row(obj)
        yield ["" if row.get(c.key) is None else str(row[c.key]) for c in drilldown.columns]


def drilldown_metric(drilldown: Drilldown, ctx: WidgetContext) -> dict[str, Any] | None:
    return metric_ref(ctx.actor.tenant, drilldown.metric) if drilldown.metric else None
