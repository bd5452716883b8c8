"""Payments: a Payment row and the invoice's paid amount written together, in the service and the API."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import Invoice, Payment
from leora.crm.services.invoices import invoice_payment_record
from leora.errors import InvalidInput
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import actor, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(world: World) -> date:
    return tenant_today(world.acme)


@pytest.fixture
def invoice(book: Book, today: date, unscoped: None) -> Invoice:
    return make_invoice(book.rep1, "300.00", invoice_number="I-10", issued_on=today - timedelta(days=40))


def test_a_payment_writes_its_row_and_the_paid_amount_together(
    world: World, invoice: Invoice, today: date, unscoped: None
) -> None:
    # when a manager records a cheque received yesterday
    invoice_payment_record(
        actor=actor(world.acme, world.manager), invoice=invoice, amount=Decimal("120.00"),
        paid_on=today - timedelta(days=1), method="cheque", reference=" CHQ 5521 ",
    )  # fmt: skip
    # then the payment is itemised and the invoice's paid amount moved by the same amount
    payment = Payment.objects.for_tenant(world.acme).get(invoice=invoice)
    assert (payment.amount, payment.paid_on, payment.method, payment.reference, payment.recorded_by) == (
        Decimal("120.00"), today - timedelta(days=1), "cheque", "CHQ 5521", world.manager,
    )  # fmt: skip
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("120.00")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="invoice.payment")
    assert (audit.after["payment_id"], audit.after["method"], audit.after["paid_on"]) == (
        payment.pk, "cheque", (today - timedelta(days=1)).isoformat(),
    )  # fmt: skip


def test_the_payment_date_defaults_to_the_tenants_today(world: World, invoice: Invoice, today: date) -> None:
    invoice_payment_record(actor=actor(world.acme, world.admin), invoice=invoice, amount=Decimal("10"))
    assert Payment.objects.for_tenant(world.acme).get().paid_on == today


def test_an_overpayment_writes_no_payment_and_names_the_amount(
    world: World, invoice: Invoice, unscoped: None
) -> None:
    with pytest.raises(InvalidInput) as refused:
        invoice_payment_record(
            actor=actor(world.acme, world.admin), invoice=invoice, amount=Decimal("300.01")
        )
    assert refused.value.errors[0].field == "amount"
    assert "300.00" in refused.value.errors[0].message
    assert not Payment.objects.for_tenant(world.acme).exists()
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("0")


def test_a_payment_on_a_paid_invoice_says_it_is_paid(world: World, book: Book, unscoped: None) -> None:
    paid = make_invoice(book.rep1, "50.00", "50.00")
    with pytest.raises(InvalidInput) as refused:
        invoice_payment_record(actor=actor(world.acme, world.admin), invoice=paid, amount=Decimal("1"))
    assert "paid in full" in refused.value.errors[0].message


def test_a_payment_dated_after_today_is_refused_on_paid_on(
    world: World, invoice: Invoice, today: date, unscoped: None
) -> None:
    with pytest.raises(InvalidInput) as refused:
        invoice_payment_record(
            actor=actor(world.acme, world.admin), invoice=invoice, amount=Decimal("5"),
            paid_on=today + timedelta(days=1),
        )  # fmt: skip
    assert refused.value.errors[0].field == "paid_on"
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("0")
    assert not Payment.objects.for_tenant(world.acme).exists()


def test_an_unknown_method_is_refused_on_method(world: World, invoice: Invoice, unscoped: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        invoice_payment_record(
            actor=actor(world.acme, world.admin), invoice=invoice, amount=Decimal("5"), method="barter"
        )
    assert refused.value.errors[0].field == "method"
    assert not Payment.objects.for_tenant(world.acme).exists()


def test_a_rep_records_a_payment_collected_on_their_round(
    world: World, invoice: Invoice, unscoped: None
) -> None:
    invoice_payment_record(
        actor=actor(world.acme, world.rep1), invoice=invoice, amount=Decimal("5"), method="cash"
    )
    payment = Payment.objects.for_tenant(world.acme).get()
    assert (payment.amount, payment.method, payment.recorded_by) == (Decimal("5"), "cash", world.rep1)


def test_the_api_takes_date_method_and_reference(
    world: World, invoice: Invoice, today: date, api_as: Any
) -> None:
    response = api_as(world.manager).post(
        f"/api/invoices/{invoice.pk}/payments",
        {"amount": "100", "paid_on": today.isoformat(), "method": "bank_transfer", "reference": "TRX-9"},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["paid_amount"], response.json()["balance"]) == ("100.00", "200.00")
    listed = api_as(world.manager).get(f"/api/invoices/{invoice.pk}/payments").json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert (item["amount"], item["method"], item["reference"], item["paid_on"]) == (
        "100.00", "bank_transfer", "TRX-9", today.isoformat(),
    )  # fmt: skip
    assert item["recorded_by"]["email"] == "manager@acme.test"


def test_the_api_refuses_an_unknown_method_naming_it(world: World, invoice: Invoice, api_as: Any) -> None:
    response = api_as(world.admin).post(
        f"/api/invoices/{invoice.pk}/payments", {"amount": "1", "method": "x"}
    )
    assert response.status_code == 422
    assert "method" in str(response.json()["errors"][0]["field"])
    assert not Payment.objects.for_tenant(world.acme).exists()


def test_a_rep_lists_the_payments_of_their_own_invoice(
    world: World, invoice: Invoice, api_as: Any, unscoped: None
) -> None:
    invoice_payment_record(actor=actor(world.acme, world.admin), invoice=invoice, amount=Decimal("7.50"))
    listed = api_as(world.rep1).get(f"/api/invoices/{invoice.pk}/payments").json()
    assert [item["amount"] for item in listed["items"]] == ["7.50"]


def test_another_reps_invoice_payments_answer_404(world: World, invoice: Invoice, api_as: Any) -> None:
    assert api_as(world.rep2).get(f"/api/invoices/{invoice.pk}/payments").status_code == 404
    assert api_as(world.other_admin).get(f"/api/invoices/{invoice.pk}/payments").status_code == 404


def test_invoices_filter_by_order(world: World, book: Book, api_as: Any, unscoped: None) -> None:
    from tests.factories import make_order

    order = make_order(book.rep1)
    billed = make_invoice(book.rep1, invoice_number="I-ORD", order=order)
    make_invoice(book.rep1, invoice_number="I-LOOSE")
    response = api_as(world.rep1).get("/api/invoices", order_id=order.pk)
    assert [item["invoice_number"] for item in response.json()["items"]] == [billed.invoice_number]
