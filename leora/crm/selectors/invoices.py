"""Reads of invoices (visible exactly when their customer is) and how overdue they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet

from leora.crm.models import Invoice, Payment
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible, scope_by_customer
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today

INVOICE_ORDERING = {
    "due_on", "issued_on", "amount", "paid_amount", "invoice_number", "created_at", "customer__name",
}  # fmt: skip
PAYMENT_ORDERING = {"paid_on", "amount", "method", "created_at"}
# Upper bounds (inclusive) of the aging buckets, in days past due; anything later is "90+".
AGING_BUCKETS = [(0, "current"), (30, "1-30"), (60, "31-60"), (90, "61-90")]


def days_past_due(invoice: Invoice, today: date) -> int:
    """Return how many days an unpaid balance is past its due date (0 when paid or not yet due)."""
    if invoice.balance <= 0 or today <= invoice.due_on:
        return 0
    return (today - invoice.due_on).days


def aging_bucket(days: int) -> str:
    """Return the aging bucket of ``days`` past due: current, 1-30, 31-60, 61-90 or 90+."""
    for upper, label in AGING_BUCKETS:
        if days <= upper:
            return label
    return "90+"


def invoice_state(invoice: Invoice, today: date) -> str:
    """Return paid, overdue (a balance after the due date) or open."""
    if invoice.balance <= 0:
        return "paid"
    return "overdue" if days_past_due(invoice, today) > 0 else "open"


def _visible_invoices(actor: Actor) -> QuerySet[Invoice]:
    return scope_by_customer(Invoice.objects.for_tenant(actor.tenant), actor).select_related(
        "customer", "tenant"
    )


def invoice_list(
    *,
    actor: Actor,
    search: str | None = None,
    customer_id: int | None = None,
    order_id: int | None = None,
    overdue: bool | None = None,
    open: bool | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> QuerySet[Invoice]:
    """Return the visible invoices, filtered; ordering is left to the caller."""
    check_range(due_from, due_to, low_field="due_from", high_field="due_to")
    invoices = _visible_invoices(actor)
    has_balance = Q(amount__gt=F("paid_amount"))
    if search:
        term = search.strip()
        invoices = invoices.filter(Q(invoice_number__icontains=term) | Q(customer__name__icontains=term))
    if customer_id is not None:
        invoices = invoices.filter(customer_id=customer_id)
    if order_id is not None:
        invoices = invoices.filter(order_id=order_id)
    if open is not None:
        invoices = invoices.filter(has_balance) if open else invoices.exclude(has_balance)
    if overdue is not None:
        late = has_balance & Q(due_on__lt=tenant_today(actor.tenant))
        invoices = invoices.filter(late) if overdue else invoices.exclude(late)
    if due_from is not None:
        invoices = invoices.filter(due_on__gte=due_from)
    if due_to is not None:
        invoices = invoices.filter(due_on__lte=due_to)
    return invoices


def invoice_get(*, actor: Actor, invoice_id: int) -> Invoice:
    """Return one visible invoice; another tenant's or another rep's answers NotFound."""
    return get_visible(_visible_invoices(actor), invoice_id, "invoice")


def invoice_payment_list(*, actor: Actor, invoice: Invoice, search: str | None = None) -> QuerySet[Payment]:
    """Return the payments recorded against ``invoice`` (one the actor can see), oldest first;
    ``search`` matches the reference."""
    payments = (
        Payment.objects.for_tenant(actor.tenant)
        .filter(invoice=invoice)
        .select_related("recorded_by")
        .order_by("paid_on", "pk")
    )
    if search and search.strip():
        payments = payments.filter(reference__icontains=search.strip())
    return payments


@dataclass(frozen=True)
class InvoiceRow:
    """An invoice as a page shows it: where it stands today and the payments behind its paid amount."""

    invoice: Invoice
    state: str
    days_past_due: int
    aging_bucket: str
    payments: list[Payment]

    @property
    def earlier_paid(self) -> Decimal:
        """What was paid before payments were itemised (the paid amount no Payment row accounts for)."""
        return self.invoice.paid_amount - sum((p.amount for p in self.payments), Decimal("0"))


def invoice_rows(*, actor: Actor, invoices: QuerySet[Invoice]) -> list[InvoiceRow]:
    """Return ``invoices`` (from ``invoice_list``) with their payments, in two queries."""
    today = tenant_today(actor.tenant)
    payments = (
        Payment.objects.for_tenant(actor.tenant).select_related("recorded_by").order_by("paid_on", "pk")
    )
    rows = []
    for invoice in invoices.prefetch_related(Prefetch("payments", queryset=payments)):
        days = days_past_due(invoice, today)
        rows.append(
            InvoiceRow(
                invoice=invoice,
                state=invoice_state(invoice, today),
                days_past_due=days,
                aging_bucket=aging_bucket(days),
                payments=list(invoice.payments.all()),
            )
        )
    return rows
