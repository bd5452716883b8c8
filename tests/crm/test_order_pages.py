"""The order pages through Django's client: the orders list, an order's page, the order form and the
payment form, with the same role scoping and rules as /api/orders and /api/invoices."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leora.crm.models import Invoice, Order, OrderLine, Payment, Product
from leora.crm.services.orders import LineRequest, order_create, order_update
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import actor, make_invoice, make_order, make_product

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def wines(world: World, unscoped: None) -> dict[str, Product]:
    acme, other = world.acme, world.other
    return {
        "rioja": make_product(acme, name="Rioja Reserva", sku="RIO-19", brand="Torres",
                              unit_price=Decimal("18.50")),
        "sancerre": make_product(acme, name="Sancerre", sku="SAN-22", brand="Vacheron",
                                 unit_price=Decimal("24.00")),
        "old": make_product(acme, name="Rioja Crianza", sku="RIO-OLD", unit_price=Decimal("11.00"),
                            active=False),
        "other": make_product(other, name="Rioja Elsewhere", sku="RIO-X", unit_price=Decimal("9.00")),
    }  # fmt: skip


@pytest.fixture
def orders(world: World, book: Book, wines: dict[str, Product], unscoped: None) -> dict[str, Order]:
    today = tenant_today(world.acme)
    return {
        "rep1": make_order(book.rep1, [(wines["rioja"], 6)], order_date=today - timedelta(days=3),
                           order_number="SO-A1", rep=world.rep1),
        "rep1b": make_order(book.rep1b, [(wines["sancerre"], 2)], order_date=today - timedelta(days=20),
                            order_number="SO-A2", rep=world.rep1, status="cancelled"),
        "rep2": make_order(book.rep2, [(wines["sancerre"], 1)], order_date=today, order_number="SO-B1",
                           rep=world.rep2),
        "rep3": make_order(book.rep3, [(wines["rioja"], 1)], order_number="SO-C1", rep=world.rep3),
        "other": make_order(book.other, [(wines["other"], 1)], order_number="SO-X1"),
    }  # fmt: skip


def _new_order_url(customer: Any) -> str:
    return reverse("customer_order_new", args=[customer.pk])


def _lines(*lines: tuple[Any, Any, Any]) -> dict[str, list[str]]:
    return {
        "line_product": [str(product) for product, _, _ in lines],
        "line_quantity": [str(quantity) for _, quantity, _ in lines],
        "line_price": [str(price) for _, _, price in lines],
    }


# ---------------------------------------------------------------------------------------------------
# The orders list


def test_a_rep_lists_only_their_own_orders_with_totals(world: World, orders: Any) -> None:
    page = signed_in(world.rep1).get("/orders/").content.decode()
    assert "SO-A1" in page and "SO-A2" in page
    assert "SO-B1" not in page and "SO-C1" not in page and "SO-X1" not in page
    # the cancelled order is listed but not counted in the revenue
    assert "$111.00" in page and "1 cancelled, not counted" in page


def test_the_list_and_the_api_show_a_manager_the_same_orders(world: World, orders: Any, api_as: Any) -> None:
    page = signed_in(world.manager).get("/orders/").content.decode()
    api = {item["order_number"] for item in api_as(world.manager).get("/api/orders").json()["items"]}
    assert api == {"SO-A1", "SO-A2", "SO-B1"}
    assert all(number in page for number in api) and "SO-C1" not in page


def test_search_matches_the_number_or_the_customer(world: World, orders: Any) -> None:
    client = signed_in(world.rep1)
    by_number = client.get("/orders/", {"search": "A2"}, headers=HTMX).content.decode()
    assert "SO-A2" in by_number and "SO-A1" not in by_number
    by_customer = client.get("/orders/", {"search": "blue door"}, headers=HTMX).content.decode()
    assert "SO-A1" in by_customer and "SO-A2" not in by_customer


def test_filters_by_status_dates_and_customer(world: World, book: Book, orders: Any) -> None:
    client = signed_in(world.rep1)
    today = tenant_today(world.acme)
    cancelled = client.get("/orders/", {"status": "cancelled"}).content.decode()
    assert "SO-A2" in cancelled and "SO-A1" not in cancelled
    recent = client.get("/orders/", {"from": (today - timedelta(days=7)).isoformat()}).content.decode()
    assert "SO-A1" in recent and "SO-A2" not in recent
    one_customer = client.get("/orders/", {"customer": book.rep1b.pk}).content.decode()
    assert "SO-A2" in one_customer and "SO-A1" not in one_customer
    assert "Customer: <a" in one_customer and "Fig Tree Wines" in one_customer


def test_an_inverted_date_range_says_so_and_lists_every_date(world: World, orders: Any) -> None:
    response = signed_in(world.rep1).get("/orders/", {"from": "2026-05-02", "to": "2026-05-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "start date is after the end date" in page and "SO-A1" in page


def test_a_manager_filters_by_rep_and_a_rep_cannot(world: World, orders: Any) -> None:
    manager_page = signed_in(world.manager).get("/orders/", {"rep": world.rep2.pk}).content.decode()
    assert "SO-B1" in manager_page and "SO-A1" not in manager_page
    rep_page = signed_in(world.rep1).get("/orders/", {"rep": world.rep2.pk}).content.decode()
    assert "SO-A1" in rep_page and 'name="rep"' not in rep_page


def test_another_reps_customer_filter_shows_nothing_of_theirs(world: World, book: Book, orders: Any) -> None:
    page = signed_in(world.rep1).get("/orders/", {"customer": book.rep2.pk}).content.decode()
    assert "SO-B1" not in page and "Corner Cellar" not in page
    assert "No orders match" in page


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, book: Book, wines: Any, django_assert_num_queries: Any, unscoped: None
) -> None:
    for number in range(30):
        make_order(book.rep1, [(wines["rioja"], 1), (wines["sancerre"], 2)], order_number=f"SO-N{number}")
    client = signed_in(world.manager)
    client.get("/orders/")  # warm the session and membership caches
    # session, user, membership, manager's team, count, rows, totals, people for the rep filter
    with django_assert_num_queries(8):
        response = client.get("/orders/", headers=HTMX)
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------------
# One order's page


def test_the_order_page_shows_lines_invoice_payments_and_history(
    world: World, book: Book, wines: Any, unscoped: None
) -> None:
    rep, manager = actor(world.acme, world.rep1), actor(world.acme, world.manager)
    order = order_create(
        actor=rep, customer_id=book.rep1.pk, status="draft",
        lines=[LineRequest(product_id=wines["rioja"].pk, quantity=6)],
    )  # fmt: skip
    order_update(actor=rep, order=order, changes={"status": "submitted"})
    invoice = make_invoice(book.rep1, "111.00", "11.00", invoice_number="INV-77", order=order)
    Payment.objects.create_for(
        world.acme, invoice=invoice, amount=Decimal("11.00"), paid_on=tenant_today(world.acme),
        method="cheque", reference="CHQ-1", recorded_by=world.manager,
    )  # fmt: skip
    del manager

    page = signed_in(world.rep1).get(reverse("order_detail", args=[order.pk])).content.decode()

    assert order.order_number in page and "Rioja Reserva" in page and "$111.00" in page
    assert "INV-77" in page and "CHQ-1" in page and "Cheque" in page and "$100.00" in page
    assert "Entered as draft" in page and "Draft → Submitted" in page
    # the rep of the account records what they collect
    assert "Record payment" in page


def test_a_manager_is_offered_record_payment_on_an_open_invoice(
    world: World, book: Book, orders: Any, unscoped: None
) -> None:
    invoice = make_invoice(book.rep1, "111.00", order=orders["rep1"])
    page = signed_in(world.manager).get(reverse("order_detail", args=[orders["rep1"].pk])).content.decode()
    assert f'id="action-record-payment-{invoice.pk}"' in page


def test_another_reps_order_page_answers_404(world: World, orders: Any) -> None:
    client = signed_in(world.rep1)
    for name in ("rep2", "other"):
        assert client.get(reverse("order_detail", args=[orders[name].pk])).status_code == 404
        assert client.get(reverse("order_edit", args=[orders[name].pk])).status_code == 404
        assert client.post(reverse("order_cancel", args=[orders[name].pk])).status_code == 404


def test_a_cancelled_order_offers_no_edit(world: World, orders: Any) -> None:
    client = signed_in(world.rep1)
    page = client.get(reverse("order_detail", args=[orders["rep1b"].pk])).content.decode()
    assert "action-edit-order" not in page and "action-cancel-order" not in page
    assert client.get(reverse("order_edit", args=[orders["rep1b"].pk]), headers=HTMX).status_code == 409


def test_cancelling_from_the_order_page_refreshes_it_and_is_audited(world: World, orders: Any) -> None:
    order = orders["rep1"]
    response = signed_in(world.rep1).post(reverse("order_cancel", args=[order.pk]), headers=HTMX)
    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert "records-changed" in events and "cancelled" in events["toast"]["text"]
    order.refresh_from_db()
    assert order.status == "cancelled"
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="order.update")
    assert (audit.before["status"], audit.after["status"]) == ("submitted", "cancelled")


# ---------------------------------------------------------------------------------------------------
# The order form


def test_the_order_form_opens_for_htmx_and_as_a_page(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    fragment = client.get(_new_order_url(book.rep1), headers=HTMX).content.decode()
    assert "<html" not in fragment and 'role="combobox"' in fragment and "order-form.js" in fragment
    assert f'value="{tenant_today(world.acme).isoformat()}"' in fragment  # the tenant's today
    page = client.get(_new_order_url(book.rep1)).content.decode()
    assert "<html" in page and "New order · Blue Door Bistro" in page


def test_a_rep_cannot_open_the_order_form_for_another_reps_customer(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    assert client.get(_new_order_url(book.rep2), headers=HTMX).status_code == 404
    assert client.get(_new_order_url(book.other), headers=HTMX).status_code == 404
    response = client.post(_new_order_url(book.rep2), {"order_date": "2026-01-05", "status": "submitted"})
    assert response.status_code == 404


def test_the_picker_finds_active_products_by_name_sku_and_brand(world: World, wines: Any) -> None:
    client = signed_in(world.rep1)

    def found(term: str) -> str:
        return client.get(reverse("order_product_options"), {"q": term}).content.decode()

    assert "Rioja Reserva" in found("rioja") and "Rioja Crianza" not in found("rioja")  # inactive
    assert "Rioja Elsewhere" not in found("rioja")  # another tenant's
    assert "Sancerre" in found("SAN-2") and "Sancerre" in found("vacheron")
    assert 'data-price="18.50"' in found("torres")
    assert "No product matches" in found("zinfandel")


def test_saving_an_order_writes_it_with_its_lines_and_refreshes_the_page(
    world: World, book: Book, wines: Any
) -> None:
    response = signed_in(world.rep1).post(
        _new_order_url(book.rep1),
        {
            "order_date": tenant_today(world.acme).isoformat(),
            "status": "submitted",
            "notes": "Deliver before Friday",
            **_lines((wines["rioja"].pk, 6, "18.50"), (wines["sancerre"].pk, 2, "22.00")),
        },
        headers=HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    events = json.loads(response["HX-Trigger"])
    assert "records-changed" in events and "$155.00" in events["toast"]["text"]
    order = Order.objects.for_tenant(world.acme).get(customer=book.rep1)
    assert (order.total, order.rep, order.notes) == (Decimal("155.00"), world.rep1, "Deliver before Friday")
    lines = OrderLine.objects.for_tenant(world.acme).filter(order=order).order_by("pk")
    assert [(line.quantity, line.unit_price) for line in lines] == [
        (6, Decimal("18.50")),
        (2, Decimal("22.00")),
    ]


def test_a_blank_price_takes_the_products_price(world: World, book: Book, wines: Any) -> None:
    signed_in(world.rep1).post(
        _new_order_url(book.rep1),
        {"order_date": "2026-01-05", "status": "draft", **_lines((wines["sancerre"].pk, 3, ""))},
        headers=HTMX,
    )
    assert Order.objects.for_tenant(world.acme).get(customer=book.rep1).total == Decimal("72.00")


@pytest.mark.parametrize(
    ("line", "field_id", "message"),
    [
        ((None, 0, "18.50"), "line-0-quantity", "between 1 and"),
        ((None, "two", "18.50"), "line-0-quantity", "whole number"),
        ((None, 1, "-3"), "line-0-price", "zero or more"),
        ((None, 1, "1.234"), "line-0-price", "like 18.50"),
        ((999999, 1, "1.00"), "line-0-product", "no product with id 999999"),
    ],
)
def test_a_bad_line_is_422_naming_its_field_and_writes_nothing(
    world: World, book: Book, wines: Any, line: Any, field_id: str, message: str
) -> None:
    product, quantity, price = line
    response = signed_in(world.rep1).post(
        _new_order_url(book.rep1),
        {"order_date": "2026-01-05", "status": "submitted",
         **_lines((product or wines["rioja"].pk, quantity, price))},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="{field_id}-error"' in page and message in page
    assert not Order.objects.for_tenant(world.acme).exists()
    assert not OrderLine.objects.for_tenant(world.acme).exists()


def test_another_tenants_or_an_inactive_product_is_refused_on_its_line(
    world: World, book: Book, wines: Any
) -> None:
    response = signed_in(world.rep1).post(
        _new_order_url(book.rep1),
        {"order_date": "2026-01-05", "status": "submitted",
         **_lines((wines["rioja"].pk, 1, ""), (wines["other"].pk, 1, ""), (wines["old"].pk, 1, ""))},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="line-1-product-error"' in page and 'id="line-2-product-error"' in page
    assert "inactive" in page
    assert not Order.objects.for_tenant(world.acme).exists()


def test_an_order_without_lines_is_422(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        _new_order_url(book.rep1), {"order_date": "2026-01-05", "status": "submitted"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "at least one" in response.content.decode()
    assert not Order.objects.for_tenant(world.acme).exists()


def test_a_new_order_cannot_be_born_cancelled(world: World, book: Book, wines: Any) -> None:
    response = signed_in(world.rep1).post(
        _new_order_url(book.rep1),
        {"order_date": "2026-01-05", "status": "cancelled", **_lines((wines["rioja"].pk, 1, ""))},
        headers=HTMX,
    )
    assert response.status_code == 422 and 'id="error-status"' in response.content.decode()
    assert not Order.objects.for_tenant(world.acme).exists()


def test_repeat_last_order_prefills_its_lines_at_todays_prices(
    world: World, book: Book, wines: Any, unscoped: None
) -> None:
    previous = make_order(book.rep1, [(wines["rioja"], 6), (wines["old"], 2)], order_number="SO-PREV")
    wines["rioja"].unit_price = Decimal("19.00")
    wines["rioja"].save()
    page = (
        signed_in(world.rep1).get(_new_order_url(book.rep1), {"repeat": "1"}, headers=HTMX).content.decode()
    )
    assert previous.order_number in page and "Rioja Reserva" in page and 'value="19.00"' in page
    assert 'name="line_quantity"' in page and 'value="6"' in page
    assert "Left out, no longer sold: Rioja Crianza" in page


def test_editing_replaces_the_lines_and_can_cancel(world: World, orders: Any, wines: Any) -> None:
    order = orders["rep1"]
    client = signed_in(world.rep1)
    form = client.get(reverse("order_edit", args=[order.pk]), headers=HTMX).content.decode()
    assert 'value="6"' in form and "Rioja Reserva" in form and 'value="cancelled"' in form
    response = client.post(
        reverse("order_edit", args=[order.pk]),
        {"order_date": order.order_date.isoformat(), "status": "submitted", "notes": "",
         **_lines((wines["rioja"].pk, 4, "18.50"), (wines["sancerre"].pk, 1, "24.00"))},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200, response.content.decode()
    order.refresh_from_db()
    assert order.total == Decimal("98.00")
    client.post(
        reverse("order_edit", args=[order.pk]),
        {"order_date": order.order_date.isoformat(), "status": "cancelled", "notes": "",
         **_lines((wines["rioja"].pk, 4, "18.50"), (wines["sancerre"].pk, 1, "24.00"))},
        headers=HTMX,
    )  # fmt: skip
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_a_fulfilled_orders_form_keeps_its_lines(
    world: World, book: Book, wines: Any, unscoped: None
) -> None:
    order = make_order(book.rep1, [(wines["rioja"], 2)], status="fulfilled")
    client = signed_in(world.rep1)
    form = client.get(reverse("order_edit", args=[order.pk]), headers=HTMX).content.decode()
    assert 'name="line_quantity"' not in form and "what was delivered" in form
    response = client.post(
        reverse("order_edit", args=[order.pk]),
        {"order_date": order.order_date.isoformat(), "status": "fulfilled", "notes": "Signed for by Ana",
         **_lines((wines["sancerre"].pk, 40, "1.00"))},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.notes, order.total) == ("Signed for by Ana", Decimal("37.00"))


# ---------------------------------------------------------------------------------------------------
# The payment form


@pytest.fixture
def open_invoice(book: Book, unscoped: None) -> Invoice:
    return make_invoice(book.rep1, "300.00", "50.00", invoice_number="INV-300")


def _payment_url(invoice: Invoice) -> str:
    return reverse("invoice_payment_new", args=[invoice.pk])


def test_a_manager_records_a_part_payment(world: World, open_invoice: Invoice) -> None:
    client = signed_in(world.manager)
    form = client.get(_payment_url(open_invoice), headers=HTMX).content.decode()
    assert 'value="250.00"' in form and "$250.00" in form  # the balance, offered as the amount
    response = client.post(
        _payment_url(open_invoice),
        {"amount": "100", "paid_on": tenant_today(world.acme).isoformat(), "method": "cheque",
         "reference": "CHQ 881"},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200, response.content.decode()
    events = json.loads(response["HX-Trigger"])
    assert "records-changed" in events and "$150.00 left to pay" in events["toast"]["text"]
    open_invoice.refresh_from_db()
    assert open_invoice.paid_amount == Decimal("150.00")
    assert Payment.objects.for_tenant(world.acme).get().reference == "CHQ 881"


def test_an_overpayment_is_422_on_the_amount_and_writes_nothing(world: World, open_invoice: Invoice) -> None:
    response = signed_in(world.manager).post(
        _payment_url(open_invoice),
        {"amount": "250.01", "paid_on": tenant_today(world.acme).isoformat(), "method": "cash"},
        headers=HTMX,
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="error-amount"' in page and "250.00" in page
    open_invoice.refresh_from_db()
    assert open_invoice.paid_amount == Decimal("50.00")
    assert not Payment.objects.for_tenant(world.acme).exists()


def test_a_payment_form_error_names_the_date(world: World, open_invoice: Invoice) -> None:
    tomorrow = tenant_today(world.acme) + timedelta(days=1)
    response = signed_in(world.manager).post(
        _payment_url(open_invoice), {"amount": "10", "paid_on": tomorrow.isoformat(), "method": "cash"}
    )
    assert response.status_code == 422 and 'id="error-paid_on"' in response.content.decode()
    assert not Payment.objects.for_tenant(world.acme).exists()


def test_the_payment_form_is_404_outside_ones_book_and_open_to_the_rep_of_the_account(
    world: World, book: Book, open_invoice: Invoice, unscoped: None
) -> None:
    outside_team = make_invoice(book.rep3, "10.00")
    elsewhere = make_invoice(book.other, "10.00")
    assert signed_in(world.rep2).get(_payment_url(open_invoice), headers=HTMX).status_code == 404
    assert signed_in(world.manager).get(_payment_url(outside_team), headers=HTMX).status_code == 404
    assert signed_in(world.manager).get(_payment_url(elsewhere), headers=HTMX).status_code == 404
    assert not Payment.objects.for_tenant(world.acme).exists()
    rep = signed_in(world.rep1)
    assert rep.get(_payment_url(open_invoice), headers=HTMX).status_code == 200
    paid_on = tenant_today(world.acme).isoformat()
    response = rep.post(
        _payment_url(open_invoice), {"amount": "1", "paid_on": paid_on, "method": "cash"}, headers=HTMX
    )
    assert response.status_code == 200
    assert Payment.objects.for_tenant(world.acme).get().recorded_by == world.rep1


def test_without_htmx_a_payment_redirects_back_with_a_message(world: World, open_invoice: Invoice) -> None:
    response = signed_in(world.admin).post(
        _payment_url(open_invoice),
        {"amount": "250", "paid_on": tenant_today(world.acme).isoformat(), "method": "card",
         "next": reverse("customer_detail", args=[open_invoice.customer_id])},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("customer_detail", args=[open_invoice.customer_id])
    open_invoice.refresh_from_db()
    assert open_invoice.balance == Decimal("0")


# ---------------------------------------------------------------------------------------------------
# The customer page's orders and invoices


def test_the_customer_page_counts_its_orders_like_the_list_it_links_to(
    world: World, book: Book, orders: Any, wines: Any, unscoped: None
) -> None:
    make_order(book.rep1, [(wines["rioja"], 1)], status="cancelled")
    client = signed_in(world.rep1)
    page = client.get(reverse("customer_detail", args=[book.rep1.pk])).content.decode()
    link = f"{reverse('order_list')}?customer={book.rep1.pk}"
    assert f'href="{link}"' in page and "2 orders: see all" in page
    listed = client.get(link).content.decode()
    assert "1\u20132 of 2 orders" in listed


def test_the_customer_page_offers_new_order_edit_and_record_payment(
    world: World, book: Book, orders: Any, unscoped: None
) -> None:
    invoice = make_invoice(book.rep1, "40.00")
    rep_page = signed_in(world.rep1).get(reverse("customer_detail", args=[book.rep1.pk])).content.decode()
    assert 'id="action-new-order"' in rep_page
    assert f'id="action-edit-order-{orders["rep1"].pk}"' in rep_page
    assert f'id="action-record-payment-{invoice.pk}"' in rep_page
    manager_page = (
        signed_in(world.manager).get(reverse("customer_detail", args=[book.rep1.pk])).content.decode()
    )
    assert f'id="action-record-payment-{invoice.pk}"' in manager_page


def test_cancelling_a_cancelled_order_is_refused_with_a_toast(world: World, orders: Any) -> None:
    response = signed_in(world.rep1).post(reverse("order_cancel", args=[orders["rep1b"].pk]), headers=HTMX)
    assert response.status_code == 409
    assert json.loads(response["HX-Trigger"])["toast"]["kind"] == "error"


def test_the_order_page_runs_a_fixed_number_of_queries(
    world: World, book: Book, wines: Any, django_assert_num_queries: Any, unscoped: None
) -> None:
    rep = actor(world.acme, world.rep1)
    order = order_create(
        actor=rep, customer_id=book.rep1.pk,
        lines=[LineRequest(product_id=wines["rioja"].pk, quantity=n + 1) for n in range(12)],
    )  # fmt: skip
    for status in ("draft", "submitted", "fulfilled"):
        order_update(actor=rep, order=order, changes={"status": status})
    for number in range(3):
        invoice = make_invoice(book.rep1, "500.00", invoice_number=f"INV-Q{number}", order=order)
        for _ in range(2):
            Payment.objects.create_for(
                world.acme, invoice=invoice, amount=Decimal("10"), paid_on=tenant_today(world.acme)
            )
    client = signed_in(world.rep1)
    client.get(reverse("order_detail", args=[order.pk]))
    # session, user, membership, order, its lines, invoices, their payments, the status events
    with django_assert_num_queries(8):
        response = client.get(reverse("order_detail", args=[order.pk]), headers=HTMX)
    assert response.status_code == 200
