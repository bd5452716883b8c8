"""Reads of orders: visible exactly when their customer is."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from leora.crm.models import Order, OrderLine
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible, scope_by_customer
from leora.tenancy.actors import Actor

ORDER_ORDERING = {"order_date", "order_number", "status", "total", "created_at", "customer__name"}


def _visible_orders(actor: Actor) -> QuerySet[Order]:
    lines = OrderLine.objects.for_tenant(actor.tenant).select_related("product").order_by("pk")
    return (
        scope_by_customer(Order.objects.for_tenant(actor.tenant), actor)
        .select_related("customer", "rep")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


def order_list(
    *,
    actor: Actor,
    search: str | None = None,
    customer_id: int | None = None,
    status: str | None = None,
    rep_id: int | None = None,
    order_date_from: date | None = None,
    order_date_to: date | None = None,
) -> QuerySet[Order]:
    """Return the visible orders with their lines, filtered; ordering is left to the caller."""
    check_range(order_date_from, order_date_to, low_field="order_date_from", high_field="order_date_to")
    orders = _visible_orders(actor)
    if search:
        term = search.strip()
        orders = orders.filter(Q(order_number__icontains=term) | Q(customer__name__icontains=term))
    if customer_id is not None:
        orders = orders.filter(customer_id=customer_id)
    if status:
        orders = orders.filter(status=status)
    if rep_id is not None:
        orders = orders.filter(rep_id=rep_id)
    if order_date_from is not None:
        orders = orders.filter(order_date__gte=order_date_from)
    if order_date_to is not None:
        orders = orders.filter(order_date__lte=order_date_to)
    return orders


def order_get(*, actor: Actor, order_id: int) -> Order:
    """Return one visible order with its lines; another tenant's or another rep's answers NotFound."""
    return get_visible(_visible_orders(actor), order_id, "order")
