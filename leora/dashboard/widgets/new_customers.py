"""Customers new in the last N days: their first order falls in the period, or, for prospects that have
not ordered yet, their creation does."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import DateField, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from pydantic import Field

from leora.crm.models import Order, OrderStatus
from leora.crm.visibility import visible_customers
from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register
from leora.tenancy.calendar import tenant_midnight, tenant_today


class Config(WidgetConfig):
    days: int = Field(30, ge=1, le=365, description="how far back a customer counts as new")
    limit: int = Field(8, ge=1, le=50, description="how many customers to list")


@register(
    "new_customers",
    title="New customers",
    description="Accounts whose first order, or creation for prospects, falls in the last days.",
    config=Config,
    size="medium",
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    since = ctx.today - timedelta(days=config.days - 1)
    first_order = Subquery(
        Order.objects.for_tenant(ctx.actor.tenant)
        .filter(customer_id=OuterRef("pk"))
        .exclude(status=OrderStatus.CANCELLED)
        .order_by()
        .values("customer_id")
        .annotate(first=Min("order_date"))
        .values("first"),
        output_field=DateField(),
    )
    # The day that made a customer new: its first order, or its creation (in the tenant's time zone)
    # for one that has not ordered. Ordering by it keeps undated first orders out of the NULL ordering,
    # which SQLite and PostgreSQL disagree on.
    became_new = Coalesce(
        F("first_order_date"),
        TruncDate("created_at", tzinfo=ctx.actor.tenant.tzinfo),
        output_field=DateField(),
    )
    customers = visible_customers(ctx.actor).annotate(first_order_date=first_order, became_new_on=became_new)
    # Creation is a moment; compare it with the start of the tenant's first day of the period.
    created_since = tenant_midnight(ctx.actor.tenant, since)
    new = customers.filter(
        Q(first_order_date__gte=since) | Q(first_order_date__isnull=True, created_at__gte=created_since)
    )
    rows = list(
        new.select_related("assigned_rep").order_by("-became_new_on", "-created_at", "pk")[: config.limit]
    )
    return {
        "since": since.isoformat(),
        "count": new.count(),
        "items": [
            {
                "id": c.pk,
                "name": c.name,
                "account_type": c.account_type,
                "first_order_date": c.first_order_date.isoformat() if c.first_order_date else None,
                "created_on": tenant_today(ctx.actor.tenant, c.created_at).isoformat(),
                "rep": c.assigned_rep.display_name if c.assigned_rep else None,
            }
            for c in rows
        ],
    }
