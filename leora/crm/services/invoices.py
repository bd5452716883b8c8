"""Writes of invoices and payments: admins and managers only. Every change is atomic and audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from leora.crm.models import Customer, Invoice, Order, OrderStatus, Payment, PaymentMethod
from leora.crm.services.common import (
    changed_fields,
    duplicate_number,
    insert_numbered,
    snapshot,
    visible_customer,
)
from leora.crm.signals import book_changed
from leora.errors import Conflict, InvalidInput
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Role
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["customer", "order", "invoice_number", "amount", "paid_amount", "issued_on", "due_on"]
PAYMENT_TERMS = timedelta(days=30)
# Who may record a payment: everyone, on the invoices they see. Reps collect cheques and card payments
# on their rounds; billing itself (creating, correcting, deleting invoices) stays with the office.
PAYMENT_ROLES = (Role.ADMIN, Role.MANAGER, Role.SALES_REP)


def may_record_payment(actor: Actor) -> bool:
    """Return True when ``actor``'s role may record payments (pages offer the form only then)."""
    return actor.role in PAYMENT_ROLES


def _billed_order(actor: Actor, customer: Customer, order_id: int) -> Order:
    order = Order.objects.for_tenant(actor.tenant).filter(pk=order_id, customer=customer).first()
    if order is None:
        raise InvalidInput.on("order_id", f"no order with id {order_id} for this customer")
    if order.status == OrderStatus.CANCELLED:
        raise InvalidInput.on("order_id", "a cancelled order cannot be invoiced")
    return order


def _check_dates(issued_on: date, due_on: date) -> None:
    if due_on < issued_on:
        raise InvalidInput.on("due_on", "must be on or after issued_on")


@transaction.atomic
def invoice_create(
    *,
    actor: Actor,
    customer_id: int,
    order_id: int | None = None,
    invoice_number: str | None = None,
    amount: Decimal | None = None,
    issued_on: date | None = None,
    due_on: date | None = None,
) -> Invoice:
    """Bill a visible customer (admins and managers); the amount defaults to the billed order's total."""
    require_role(actor, Role.ADMIN, Role.MANAGER)
    customer = visible_customer(actor=actor, customer_id=customer_id)
    order = None if order_id is None else _billed_order(actor, customer, order_id)
    if amount is None:
        if order is None:
            raise InvalidInput.on("amount", "give an amount, or an order_id to bill its total")
        amount = order.total
    issued_on = issued_on or tenant_today(actor.tenant)
    due_on = due_on or issued_on + PAYMENT_TERMS
    _check_dates(issued_on, due_on)
    if (
        invoice_number
        and Invoice.objects.for_tenant(actor.tenant).filter(invoice_number=invoice_number).exists()
    ):
        raise duplicate_number("invoice_number", invoice_number, "invoice number")
    invoice = Invoice(
        tenant=actor.tenant, customer=customer, order=order, invoice_number=invoice_number or "",
        amount=amount, issued_on=issued_on, due_on=due_on,
    )  # fmt: skip
    insert_numbered(
        invoice, numbers=Invoice.objects.for_tenant(actor.tenant), field="invoice_number", prefix="INV-",
        what="invoice number", generated=not invoice_number,
    )  # fmt: skip
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="invoice.create", obj=invoice,
        after=snapshot(invoice, AUDITED_FIELDS),
    )  # fmt: skip
    return invoice


@transaction.atomic
def invoice_update(*, actor: Actor, invoice: Invoice, changes: dict[str, Any]) -> Invoice:
    """Correct an invoice's number, amount or dates (admins and managers); payments are never undone here."""
    require_role(actor, Role.ADMIN, Role.MANAGER)
    number = changes.get("invoice_number")
    if number and number != invoice.invoice_number:
        taken = Invoice.objects.for_tenant(actor.tenant).filter(invoice_number=number).exclude(pk=invoice.pk)
        if taken.exists():
            raise duplicate_number("invoice_number", number, "invoice number")
    if changes.get("amount") is not None and changes["amount"] < invoice.paid_amount:
        raise InvalidInput.on("amount", f"cannot be less than the {invoice.paid_amount} already paid")
    _check_dates(changes.get("issued_on", invoice.issued_on), changes.get("due_on", invoice.due_on))
    diff = changed_fields(invoice, changes)
    if not diff:
        return invoice
    before = snapshot(invoice, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(invoice, name, value)
    invoice.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="invoice.update", obj=invoice,
        before=before, after=snapshot(invoice, AUDITED_FIELDS),
    )  # fmt: skip
    return invoice


@transaction.atomic
def invoice_payment_record(
    *,
    actor: Actor,
    invoice: Invoice,
    amount: Decimal,
    paid_on: date | None = None,
    method: str = PaymentMethod.OTHER,
    reference: str = "",
) -> Invoice:
    """Record a payment of ``amount`` received on ``paid_on`` on an invoice the actor sees: writes the
    Payment row and adds it to the invoice's paid amount together; returns the invoice as it now stands.

    More than the balance is a 422 on ``amount``; a date after today (the tenant's) a 422 on ``paid_on``.
    """
    require_role(actor, *PAYMENT_ROLES, message="your role may not record payments")
    if amount <= 0:
        raise InvalidInput.on("amount", "must be more than zero")
    today = tenant_today(actor.tenant)
    paid_on = paid_on or today
    if paid_on > today:
        raise InvalidInput.on("paid_on", "a payment cannot be dated after today")
    if method not in PaymentMethod.values:
        raise InvalidInput.on("method", f"must be one of {', '.join(PaymentMethod.values)}")
    before = snapshot(invoice, ["amount", "paid_amount"])
    # A conditional update, so two payments racing on one invoice can never overpay it together.
    applied = (
        Invoice.objects.for_tenant(actor.tenant)
        .filter(pk=invoice.pk, paid_amount__lte=F("amount") - amount)
        .update(paid_amount=F("paid_amount") + amount)
    )
    invoice.refresh_from_db(fields=["amount", "paid_amount"])
    if not applied:
        if invoice.balance <= 0:
            raise InvalidInput.on("amount", f"{invoice.invoice_number} is already paid in full.")
        raise InvalidInput.on(
            "amount", f"A payment of {amount} is more than the {invoice.balance} still owed on this invoice."
        )
    payment = Payment.objects.create_for(
        actor.tenant, invoice=invoice, amount=amount, paid_on=paid_on, method=method,
        reference=reference.strip(), recorded_by=actor.user,
    )  # fmt: skip
    # The conditional update bypasses model signals; balances feed metrics and customer facts.
    book_changed.send(sender=Invoice, tenant_id=actor.tenant.pk, customer_ids=[invoice.customer_id])
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="invoice.payment", obj=invoice,
        before=before,
        after={
            **snapshot(invoice, ["amount", "paid_amount"]), "payment": str(amount), "payment_id": payment.pk,
            "paid_on": paid_on.isoformat(), "method": method, "reference": payment.reference,
        },
    )  # fmt: skip
    return invoice


@transaction.atomic
def invoice_delete(*, actor: Actor, invoice: Invoice) -> None:
    """Delete an invoice with no payments (admins only); a paid one is a 409, the ledger must keep it."""
    require_role(actor, Role.ADMIN)
    if invoice.paid_amount > 0:
        raise Conflict("this invoice has payments recorded and cannot be deleted")
    before = snapshot(invoice, AUDITED_FIELDS)
    invoice_id = invoice.pk
    invoice.delete()
    invoice.pk = invoice_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="invoice.delete", obj=invoice, before=before)
