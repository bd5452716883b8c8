"""The best-selling products over a period, by revenue or units, with the change against the period before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from django.db.models import Sum
from pydantic import Field

from leora.crm.models import OrderStatus, Product
from leora.crm.selectors.orders import order_list
from leora.dashboard.widgets.common import money
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register


class Config(WidgetConfig):
    limit: int = Field(5, ge=1, le=25, description="how many products to list")
    days: int = Field(30, ge=7, le=365, description="the period, in days up to today")
    by: Literal["revenue", "units"] = Field("revenue", description="rank by revenue or by units sold")


def _totals(ctx: WidgetContext, first: Any, last: Any) -> dict[int, tuple[Any, int]]:
    orders = order_list(actor=ctx.actor, order_date_from=first, order_date_to=last).exclude(
        status=OrderStatus.CANCELLED
    )
    # Driven from the period's orders (their date index) to their lines: grouping the tenant's lines by
    # product makes SQLite walk every line the tenant ever sold.
    rows = (
        orders.prefetch_related(None)
        .select_related(None)
        .order_by()
        .filter(lines__isnull=False)
        .values("lines__product_id")
        .annotate(revenue=Sum("lines__line_total"), units=Sum("lines__quantity"))
    )
    return {row["lines__product_id"]: (row["revenue"], row["units"]) for row in rows}


def _change(now: float, before: float) -> int | None:
    """Return the change in percent, or None when there was nothing before to compare with."""
    return None if not before else round((now - before) * 100 / before)


@register(
    "top_products",
    title="Top products",
    description="Best sellers over a period, with the change against the period before.",
    config=Config,
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    first = ctx.today - timedelta(days=config.days - 1)
    current = _totals(ctx, first, ctx.today)
    prior = _totals(ctx, first - timedelta(days=config.days), first - timedelta(days=1))
    rank = 0 if config.by == "revenue" else 1
    top = sorted(current.items(), key=lambda item: (-(item[1][rank] or 0), item[0]))[: config.limit]
    products = Product.objects.for_tenant(ctx.actor.tenant).in_bulk([pid for pid, _ in top])
    items = []
    for product_id, (revenue, units) in top:
        before_revenue, before_units = prior.get(product_id, (0, 0))
        now_value, before_value = (revenue, before_revenue) if rank == 0 else (units, before_units)
        product = products[product_id]
        items.append(
            {
                "id": product_id,
                "name": product.name,
                "sku": product.sku,
                "brand": product.brand,
                "revenue": money(revenue),
                "units": units or 0,
                "change_percent": _change(float(now_value or 0), float(before_value or 0)),
            }
        )
    return {
        "period_start": first.isoformat(),
        "period_end": ctx.today.isoformat(),
        "by": config.by,
        "items": items,
    }
