"""What the visible customers owe: outstanding and overdue balances in aging buckets, and the largest
debtors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from pydantic import Field

from leora.crm.selectors.invoices import aging_bucket, invoice_list
from leora.dashboard.widgets.common import money
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


class Config(WidgetConfig):
    limit: int = Field(5, ge=1, le=25, description="how many customers with the largest balances to list")


@register(
    "customer_balances",
    title="Customer balances",
    description="Outstanding and overdue balances, aged in buckets, with the largest debtors.",
    config=Config,
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    balance = ExpressionWrapper(
        F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    open_invoices = invoice_list(actor=ctx.actor, open=True).annotate(outstanding=balance)
    buckets = dict.fromkeys(BUCKETS, Decimal(0))
    for due_on, outstanding in (
        open_invoices.order_by().values_list("due_on").annotate(total=Sum("outstanding"))
    ):
        days = max(0, (ctx.today - due_on).days)
        buckets[aging_bucket(days)] += outstanding or Decimal(0)
    debtors = (
        open_invoices.order_by()
        .values("customer_id", "customer__name")
        .annotate(total=Sum("outstanding"))
        .order_by("-total", "customer__name")[: config.limit]
    )
    outstanding_total = sum(buckets.values(), Decimal(0))
    return {
        "outstanding": money(outstanding_total),
        "overdue": money(outstanding_total - buckets["current"]),
        "buckets": [{"bucket": name, "amount": money(buckets[name])} for name in BUCKETS],
        "debtors": [
            {"id": row["customer_id"], "name": row["customer__name"], "balance": money(row["total"])}
            for row in debtors
        ],
    }
