from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import Invoice
from leora.crm.selectors.invoices import aging_bucket
from leora.crm.services.invoices import invoice_payment_record
from leora.errors import InvalidInput
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import actor, make_invoice, make_order, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(world: World) -> date:
    return tenant_today(world.acme)


@pytest.fixture
def invoices(book: Book, today: date, unscoped: None) -> dict[str, Invoice]:
    return {
        "rep1": make_invoice(book.rep1, "100.00", invoice_number="I-1",
                             issued_on=today - timedelta(days=45), due_on=today - timedelta(days=15)),
        "rep2": make_invoice(book.rep2, "50.00", "50.00", invoice_number="I-2",
                             issued_on=today - timedelta(days=60), due_on=today - timedelta(days=30)),
        "rep3": make_invoice(book.rep3, "80.00", "20.00", invoice_number="I-3", issued_on=today,
                             due_on=today + timedelta(days=30)),
        "other": make_invoice(book.other, invoice_number="X-1"),
    }  # fmt: skip


def numbers(response: Any) -> set[str]:
    return {item["invoice_number"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"), (91, "90+")],
)
def test_aging_buckets_follow_days_past_due(days: int, bucket: str) -> None:
    assert aging_bucket(days) == bucket


def test_a_rep_lists_only_invoices_of_their_own_customers(world: World, invoices: Any, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/invoices")
    assert response.status_code == 200
    assert numbers(response) == {"I-1"}


def test_a_manager_lists_their_teams_invoices(world: World, invoices: Any, api_as: Any) -> None:
    assert numbers(api_as(world.manager).get("/api/invoices")) == {"I-1", "I-2"}


def test_an_admin_lists_the_whole_tenant(world: World, invoices: Any, api_as: Any) -> None:
    assert numbers(api_as(world.admin).get("/api/invoices")) == {"I-1", "I-2", "I-3"}


def test_an_overdue_invoice_shows_balance_days_past_due_and_bucket(
    world: World, invoices: Any, api_as: Any
) -> None:
    body = api_as(world.rep1).get(f"/api/invoices/{invoices['rep1'].pk}").json()
    assert (body["amount"], body["paid_amount"], body["balance"]) == ("100.00", "0.00", "100.00")
    assert (body["days_past_due"], body["aging_bucket"], body["state"]) == (15, "1-30", "overdue")


def test_a_paid_invoice_is_current_whatever_its_due_date(world: World, invoices: Any, api_as: Any) -> None:
    body = api_as(world.manager).get(f"/api/invoices/{invoices['rep2'].pk}").json()
    assert (body["balance"], body["days_past_due"], body["aging_bucket"], body["state"]) == (
        "0.00",
        0,
        "current",
        "paid",
    )


def test_another_tenants_invoice_answers_404(world: World, invoices: Any, api_as: Any) -> None:
    client = api_as(world.admin)
    response = client.get(f"/api/invoices/{invoices['other'].pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "invoice not found"
    assert client.post(f"/api/invoices/{invoices['other'].pk}/payments", {"amount": "1"}).status_code == 404
    assert client.patch(f"/api/invoices/{invoices['other'].pk}", {"amount": "1"}).status_code == 404
    assert client.delete(f"/api/invoices/{invoices['other'].pk}").status_code == 404


def test_another_reps_invoice_answers_404_for_a_rep(world: World, invoices: Any, api_as: Any) -> None:
    assert api_as(world.rep1).get(f"/api/invoices/{invoices['rep2'].pk}").status_code == 404


def test_a_managers_out_of_team_invoice_answers_404(world: World, invoices: Any, api_as: Any) -> None:
    client = api_as(world.manager)
    assert client.get(f"/api/invoices/{invoices['rep3'].pk}").status_code == 404
    assert client.post(f"/api/invoices/{invoices['rep3'].pk}/payments", {"amount": "1"}).status_code == 404


def test_open_and_overdue_filters(world: World, invoices: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert numbers(admin.get("/api/invoices", open="true")) == {"I-1", "I-3"}
    assert numbers(admin.get("/api/invoices", open="false")) == {"I-2"}
    assert numbers(admin.get("/api/invoices", overdue="true")) == {"I-1"}
    assert numbers(admin.get("/api/invoices", overdue="false")) == {"I-2", "I-3"}


def test_due_date_range_and_customer_filters(
    world: World, invoices: Any, book: Book, today: date, api_as: Any
) -> None:
    admin = api_as(world.admin)
    window = {"due_from": str(today - timedelta(days=20)), "due_to": str(today + timedelta(days=30))}
    assert numbers(admin.get("/api/invoices", **window)) == {"I-1", "I-3"}
    assert numbers(admin.get("/api/invoices", customer_id=book.rep3.pk)) == {"I-3"}


def test_an_inverted_due_range_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/invoices", due_from="2026-02-01", due_to="2026-01-01")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "due_from"


def test_the_default_order_is_by_due_date(world: World, invoices: Any, api_as: Any) -> None:
    items = api_as(world.admin).get("/api/invoices").json()["items"]
    assert [item["invoice_number"] for item in items] == ["I-2", "I-1", "I-3"]


def test_a_manager_creates_an_invoice_with_default_terms(
    world: World, book: Book, today: date, api_as: Any
) -> None:
    response = api_as(world.manager).post("/api/invoices", {"customer_id": book.rep1.pk, "amount": "240.00"})
    assert response.status_code == 201
    body = response.json()
    assert body["invoice_number"] == "INV-000001"
    assert (body["issued_on"], body["due_on"]) == (str(today), str(today + timedelta(days=30)))
    assert (body["balance"], body["state"]) == ("240.00", "open")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="invoice.create")
    assert audit.object_id == str(body["id"]) and audit.after["amount"] == "240.00"


def test_an_invoice_for_an_order_bills_its_total(
    world: World, book: Book, api_as: Any, unscoped: None
) -> None:
    order = make_order(book.rep1, [(make_product(world.acme, unit_price=Decimal("30.00")), 3)])
    response = api_as(world.admin).post("/api/invoices", {"customer_id": book.rep1.pk, "order_id": order.pk})
    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["order_id"]) == ("90.00", order.pk)


def test_an_order_of_another_customer_is_422_naming_order_id(
    world: World, book: Book, api_as: Any, unscoped: None
) -> None:
    order = make_order(book.rep2, [(make_product(world.acme), 1)])
    response = api_as(world.admin).post("/api/invoices", {"customer_id": book.rep1.pk, "order_id": order.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "order_id"


def test_an_invoice_without_amount_or_order_is_422_naming_amount(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.admin).post("/api/invoices", {"customer_id": book.rep1.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


def test_a_due_date_before_the_issue_date_is_422_and_writes_nothing(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.admin).post(
        "/api/invoices",
        {"customer_id": book.rep1.pk, "amount": "10", "issued_on": "2026-03-10", "due_on": "2026-03-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "due_on"
    assert Invoice.objects.for_tenant(world.acme).count() == 0
    assert not AuditEvent.objects.for_tenant(world.acme).filter(object_type="invoice").exists()


def test_a_negative_amount_is_422_naming_the_field(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/invoices", {"customer_id": book.rep1.pk, "amount": "-5"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


def test_a_manager_cannot_bill_a_customer_outside_the_team(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.manager).post("/api/invoices", {"customer_id": book.rep3.pk, "amount": "10"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"


def test_a_duplicate_invoice_number_is_409(world: World, invoices: Any, book: Book, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/invoices", {"customer_id": book.rep1.pk, "amount": "10", "invoice_number": "I-2"}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "invoice_number"


def test_a_rep_cannot_create_correct_or_delete_invoices_but_records_payments_on_their_own(
    world: World, invoices: Any, book: Book, api_as: Any
) -> None:
    client = api_as(world.rep1)
    own = invoices["rep1"].pk
    assert client.post("/api/invoices", {"customer_id": book.rep1.pk, "amount": "10"}).status_code == 403
    assert client.patch(f"/api/invoices/{own}", {"amount": "1.00"}).status_code == 403
    assert client.delete(f"/api/invoices/{own}").status_code == 403
    invoices["rep1"].refresh_from_db()
    assert (invoices["rep1"].amount, invoices["rep1"].paid_amount) == (Decimal("100.00"), Decimal("0"))
    # a cheque collected on the round
    paid = client.post(f"/api/invoices/{own}/payments", {"amount": "1.00", "method": "cheque"})
    assert paid.status_code == 200 and paid.json()["paid_amount"] == "1.00"


def test_a_payment_reduces_the_balance_and_is_audited(world: World, invoices: Any, api_as: Any) -> None:
    response = api_as(world.manager).post(
        f"/api/invoices/{invoices['rep1'].pk}/payments", {"amount": "40.00"}
    )
    assert response.status_code == 200
    assert (response.json()["paid_amount"], response.json()["balance"]) == ("40.00", "60.00")
    invoices["rep1"].refresh_from_db()
    assert invoices["rep1"].paid_amount == Decimal("40.00")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="invoice.payment")
    assert (audit.before["paid_amount"], audit.after["paid_amount"], audit.after["payment"]) == (
        "0.00",
        "40.00",
        "40.00",
    )


def test_paying_the_whole_balance_marks_the_invoice_paid(world: World, invoices: Any, api_as: Any) -> None:
    response = api_as(world.admin).post(f"/api/invoices/{invoices['rep3'].pk}/payments", {"amount": "60.00"})
    assert (response.json()["balance"], response.json()["state"]) == ("0.00", "paid")


def test_a_payment_over_the_balance_is_422_naming_amount_and_changes_nothing(
    world: World, invoices: Any, api_as: Any
) -> None:
    response = api_as(world.admin).post(f"/api/invoices/{invoices['rep3'].pk}/payments", {"amount": "60.01"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    assert "60.00" in response.json()["detail"]
    invoices["rep3"].refresh_from_db()
    assert invoices["rep3"].paid_amount == Decimal("20.00")
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="invoice.payment").exists()


def test_a_payment_checks_the_balance_in_the_database_not_a_stale_copy(
    world: World, invoices: Any, unscoped: None
) -> None:
    # given a copy read while the balance was 60.00, and a concurrent payment that then settled it
    stale = Invoice.objects.for_tenant(world.acme).get(pk=invoices["rep3"].pk)
    Invoice.objects.for_tenant(world.acme).filter(pk=stale.pk).update(paid_amount=Decimal("80.00"))
    # when a second payment goes through the stale copy
    with pytest.raises(InvalidInput) as rejected:
        invoice_payment_record(actor=actor(world.acme, world.admin), invoice=stale, amount=Decimal("10.00"))
    # then it is refused and the invoice is not overpaid
    assert rejected.value.errors[0].field == "amount"
    stale.refresh_from_db()
    assert stale.paid_amount == Decimal("80.00")


def test_a_zero_payment_is_422_naming_amount(world: World, invoices: Any, api_as: Any) -> None:
    response = api_as(world.admin).post(f"/api/invoices/{invoices['rep3'].pk}/payments", {"amount": "0"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


def test_a_manager_corrects_the_due_date_and_it_is_audited(
    world: World, invoices: Any, today: date, api_as: Any
) -> None:
    new_due = today + timedelta(days=5)
    response = api_as(world.manager).patch(f"/api/invoices/{invoices['rep1'].pk}", {"due_on": str(new_due)})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["days_past_due"]) == ("open", 0)
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="invoice.update")
    assert audit.after["due_on"] == str(new_due)


def test_the_amount_cannot_drop_below_what_was_paid(world: World, invoices: Any, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/invoices/{invoices['rep3'].pk}", {"amount": "10.00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"


def test_patch_rejects_null_for_a_required_field(world: World, invoices: Any, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/invoices/{invoices['rep1'].pk}", {"due_on": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "due_on", "message": "cannot be null"}]


def test_an_admin_deletes_an_unpaid_invoice_but_not_a_paid_one(
    world: World, invoices: Any, api_as: Any
) -> None:
    admin = api_as(world.admin)
    assert api_as(world.manager).delete(f"/api/invoices/{invoices['rep1'].pk}").status_code == 403
    assert admin.delete(f"/api/invoices/{invoices['rep1'].pk}").status_code == 204
    assert admin.delete(f"/api/invoices/{invoices['rep3'].pk}").status_code == 409
    remaining = set(Invoice.objects.for_tenant(world.acme).values_list("invoice_number", flat=True))
    assert remaining == {"I-2", "I-3"}
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="invoice.delete").count() == 1


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, book: Book, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for _ in range(30):
        make_invoice(book.rep1)
    client = api_as(world.manager)
    # token, its last-use stamp, membership, team, count, page (customer and tenant joined).
    with django_assert_num_queries(6):
        assert len(client.get("/api/invoices", page_size=30).json()["items"]) == 30
