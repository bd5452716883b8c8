"""Reads of orders: visible exactly when their customer is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from leora.crm.models import Customer, Order, OrderLine, OrderStatus
from leora.crm.selectors.invoices import InvoiceRow, invoice_list, invoice_rows
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible, scope_by_customer
from leora.tenancy.actors import Actor
from leora.tenancy.models import AuditEvent, User

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


@dataclass(frozen=True)
class OrderTotals:
    """What a filtered set of orders adds up to; revenue leaves cancelled orders out."""

    count: int
    cancelled: int
    revenue: Decimal


def order_totals(orders: QuerySet[Order]) -> OrderTotals:
    """Return the count and revenue of ``orders`` (a queryset from ``order_list``) in one query."""
    row = (
        orders.prefetch_related(None)
        .order_by()
        .aggregate(
            count=Count("pk"),
            cancelled=Count("pk", filter=Q(status=OrderStatus.CANCELLED)),
            revenue=Sum("total", filter=~Q(status=OrderStatus.CANCELLED)),
        )
    )
    return OrderTotals(count=row["count"], cancelled=row["cancelled"], revenue=row["revenue"] or Decimal("0"))


def customer_last_order(*, actor: Actor, customer: Customer) -> Order | None:
    """Return the customer's latest order that was not cancelled, with its lines, or None."""
    orders = order_list(actor=actor, customer_id=customer.pk).exclude(status=OrderStatus.CANCELLED)
    return orders.order_by("-order_date", "-pk").first()


@dataclass(frozen=True)
class StatusChange:
    """One step of an order's status history: ``previous`` is None for the order's creation."""

    status: str
    previous: str | None
    at: datetime
    by: User | None

    @property
    def label(self) -> str:
        return OrderStatus(self.status).label

    @property
    def previous_label(self) -> str:
        return OrderStatus(self.previous).label if self.previous else ""


def order_status_history(*, actor: Actor, order: Order) -> list[StatusChange]:
    """Return how ``order`` (one the actor can see) reached its status, oldest step first.

    The order services write the order's status before and after into the audit event of every
    create and update, in the same transaction as the change, so the audit trail already is the
    status history; reading it needs no second table kept in step with the first. Only this order's
    own events are read and only their status, time and author leave here. An order written by an
    import or the demo seeder has no creation event: its first step is then its creation time, with
    the status it had before its first audited change (or has now).
    """
    events = (
        AuditEvent.objects.for_tenant(actor.tenant)
        .filter(object_type="order", object_id=str(order.pk), action__in=("order.create", "order.update"))
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    steps: list[StatusChange] = []
    for event in events:
        after = (event.after or {}).get("status")
        before = (event.before or {}).get("status") if event.action == "order.update" else None
        if not after or after not in OrderStatus.values:
            continue
        if event.action == "order.create":
            steps.append(StatusChange(status=after, previous=None, at=event.created_at, by=event.actor))
        elif before != after:
            if not steps:
                first = before if before in OrderStatus.values else after
                steps.append(StatusChange(status=first, previous=None, at=order.created_at, by=None))
            steps.append(StatusChange(status=after, previous=before, at=event.created_at, by=event.actor))
    if not steps:
        steps.append(StatusChange(status=order.status, previous=None, at=order.created_at, by=None))
    return steps


@dataclass(frozen=True)
class OrderDetail:
    """Everything the order page shows."""

    order: Order
    invoices: list[InvoiceRow]
    history: list[StatusChange]

    @property
    def is_editable(self) -> bool:
        """A cancelled order is final (the services refuse to change it)."""
        return self.order.status != OrderStatus.CANCELLED

    @property
    def balance_due(self) -> Decimal:
        """What is still owed on the order's invoices."""
        return sum((row.invoice.balance for row in self.invoices), Decimal("0"))

    @property
    def lines_editable(self) -> bool:
        """Lines change only before the order is fulfilled or cancelled."""
        return self.order.status in (OrderStatus.DRAFT, OrderStatus.SUBMITTED)


def order_detail_get(*, actor: Actor, order_id: int) -> OrderDetail:
    """Return one visible order with its invoices (and their payments) and its status history.

    Raises NotFound for another tenant's order or one outside the actor's book.
    """
    order = order_get(actor=actor, order_id=order_id)
    invoices = invoice_list(actor=actor, order_id=order.pk).order_by("issued_on", "pk")
    return OrderDetail(
        order=order,
        invoices=invoice_rows(actor=actor, invoices=invoices),
        history=order_status_history(actor=actor, order=order),
    )
