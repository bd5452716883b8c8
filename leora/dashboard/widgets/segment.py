"""What the segment widgets (at-risk customers, customers due) share: a segment metric's customers with
the cadence facts a rep acts on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum

from leora.crm.models import Customer, Order, OrderStatus
from leora.dashboard.widgets.common import money, ref_of, whole, with_attributes
from leora.dashboard.widgets.registry import WidgetContext
from leora.errors import InvalidInput
from leora.metrics.evaluation import current_version, metric_customers
from leora.metrics.formula.catalog import from_day_number
from leora.metrics.models import MetricDefinition, MetricKind, MetricVersion
from leora.tenancy.models import Tenant

CADENCE = [
    "days_since_last_order",
    "median_order_interval_days",
    "average_order_value",
    "expected_next_order_date",
]


def _last_order_total(ctx: WidgetContext) -> Subquery:
    latest = (
        Order.objects.for_tenant(ctx.actor.tenant)
        .filter(customer_id=OuterRef("pk"))
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("-order_date", "-pk")
        .values("total")[:1]
    )
    return Subquery(latest, output_field=DecimalField(max_digits=14, decimal_places=2))


def segment_version(tenant: Tenant, code: str) -> MetricVersion:
    """Return the current version of segment metric ``code``, or a 422 naming ``config.metric`` that
    lists the tenant's segments when there is no such metric or it is a value metric."""
    # The widget's config names the metric, so that is where the error points: a 404 would read as
    # a missing page.
    version = current_version(tenant, code)
    if version is not None and version.kind == MetricKind.SEGMENT:
        return version
    segments = (
        MetricDefinition.objects.for_tenant(tenant)
        .filter(kind=MetricKind.SEGMENT, deprecated_at__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    problem = f"no metric {code!r} in this tenant" if version is None else f"{code} is a value metric"
    raise InvalidInput.on("config.metric", f"{problem}; choose a segment metric: {', '.join(segments)}")


def segment_check(tenant: Tenant, config: Any) -> None:
    """Refuse, when a segment widget is saved, a config whose ``metric`` is no segment of the tenant."""
    segment_version(tenant, config.metric)


def segment_data(ctx: WidgetContext, code: str, limit: int, order_by: str) -> dict[str, Any]:
    """Return the count, the sum of the members' usual order values and the first ``limit`` customers
    of segment ``code`` (ordered by attribute ``order_by``), with the metric and version behind them.
    Raises InvalidInput on ``config.metric`` when ``code`` is not one of the tenant's segment metrics."""
    tenant = ctx.actor.tenant
    version = segment_version(ctx.actor.tenant, code)
    members = metric_customers(tenant, code, ctx.actor, today=ctx.today)
    annotated = with_attributes(members, tenant, ctx.today, CADENCE)
    # The count and the sum in one statement: each statement compiles the formula's whole expression.
    totals = annotated.aggregate(at_stake=Sum("attr_average_order_value"), count=Count("pk"))
    rows: list[Customer] = list(
        annotated.annotate(last_order_total=_last_order_total(ctx))
        .select_related("assigned_rep")
        .order_by(order_by, "name", "pk")[:limit]
    )
    return {
        "metric": ref_of(code, version),
        "count": totals["count"],
        "usual_order_value_total": money(Decimal(str(totals["at_stake"] or 0))),
        "items": [_row(c) for c in rows],
    }


def _row(customer: Customer) -> dict[str, Any]:
    expected = from_day_number(getattr(customer, "attr_expected_next_order_date", None))
    rep = customer.assigned_rep
    return {
        "id": customer.pk,
        "name": customer.name,
        "days_since_last_order": whole(getattr(customer, "attr_days_since_last_order", None)),
        "usual_interval_days": whole(getattr(customer, "attr_median_order_interval_days", None)),
        "usual_order_value": money(getattr(customer, "attr_average_order_value", None)),
        "last_order_value": money(getattr(customer, "last_order_total", None)),
        "expected_next_order": expected.isoformat() if expected else None,
        "rep": rep.display_name if rep else None,
    }
