"""Importing contacts, products and orders: each created, matched again on a second import, and the
orders' lines grouped by order number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leora.crm.models import Contact, CustomerFacts, Order, OrderLine, Product
from leora.imports.models import ImportStatus
from leora.tenancy.actors import Actor
from tests import factories
from tests.conftest import World
from tests.imports.conftest import csv_file, do_import, problems

PRODUCTS = """SKU,Product name,Brand,Category,Price,Active
RIO-19,Rioja Reserva 2019,Bodegas Rio,wine,18.50,yes
BAR-18,Barolo 2018,Piemonte,Wine,"1,234.00",yes
GIN-01,London Dry Gin,Thames,spirits,-5,yes
"""

ORDERS = """Order number,Account number,Order date,SKU,Qty,Price
SO-9001,C-1,2026-11-02,RIO-19,12,
SO-9001,C-1,2026-11-02,BAR-18,6,40.00
SO-9002,C-2,2026-11-03,RIO-19,3,
"""


@pytest.fixture
def book(world: World, setup: None) -> dict[str, object]:
    rioja = factories.make_product(world.acme, sku="RIO-19", unit_price=Decimal("18.50"))
    barolo = factories.make_product(world.acme, sku="BAR-18", unit_price=Decimal("45.00"))
    first = factories.make_customer(world.acme, account_number="C-1", rep=world.rep1)
    second = factories.make_customer(world.acme, account_number="C-2")
    return {"rioja": rioja, "barolo": barolo, "first": first, "second": second}


def test_products_are_created_and_a_negative_price_is_refused(world: World, admin: Actor) -> None:
    run = do_import(admin, "products", csv_file(PRODUCTS))

    products = Product.objects.for_tenant(world.acme)
    assert run.created_count == 2
    assert products.get(sku="BAR-18").unit_price == Decimal("1234.00")
    assert problems(run) == [(4, "Price: Input should be greater than or equal to 0")]


def test_a_second_product_import_changes_nothing(world: World, admin: Actor) -> None:
    do_import(admin, "products", csv_file(PRODUCTS))

    again = do_import(admin, "products", csv_file(PRODUCTS))

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)


def test_contacts_attach_to_customers_by_account_number(world: World, admin: Actor, book: dict) -> None:
    text = (
        "Account,Contact name,Email,Primary\nC-1,Ana Ruiz,ana@blue.test,yes\nC-1,Bo Li,,no\nC-9,Cy Do,,no\n"
    )

    run = do_import(admin, "contacts", csv_file(text))

    contacts = Contact.objects.for_tenant(world.acme).filter(customer=book["first"])
    assert sorted(contacts.values_list("name", "is_primary")) == [("Ana Ruiz", True), ("Bo Li", False)]
    assert problems(run) == [(4, "Account: no customer with account number C-9")]
    again = do_import(admin, "contacts", csv_file(text))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)


def test_orders_group_their_lines_and_price_them_like_the_order_form(
    world: World, admin: Actor, book: dict
) -> None:
    run = do_import(admin, "orders", csv_file(ORDERS))

    assert run.status == ImportStatus.COMPLETED, run.message
    assert run.created_count == 2
    order = Order.objects.for_tenant(world.acme).get(order_number="SO-9001")
    lines = OrderLine.objects.for_tenant(world.acme).filter(order=order).order_by("pk")
    assert [(line.quantity, line.unit_price) for line in lines] == [
        (12, Decimal("18.50")),
        (6, Decimal("40.00")),
    ]
    assert order.total == Decimal("462.00")
    assert order.rep == world.rep1
    facts = CustomerFacts.objects.for_tenant(world.acme).get(customer=book["first"])
    assert (facts.order_count, facts.lifetime_revenue) == (1, Decimal("462.00"))


def test_a_second_order_import_changes_nothing(world: World, admin: Actor, book: dict) -> None:
    do_import(admin, "orders", csv_file(ORDERS))

    again = do_import(admin, "orders", csv_file(ORDERS))

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert OrderLine.objects.for_tenant(world.acme).count() == 3


def test_changed_lines_replace_the_orders_lines(world: World, admin: Actor, book: dict) -> None:
    do_import(admin, "orders", csv_file(ORDERS))

    run = do_import(admin, "orders", csv_file(ORDERS.replace("BAR-18,6,", "BAR-18,8,")))

    order = Order.objects.for_tenant(world.acme).get(order_number="SO-9001")
    assert (run.updated_count, run.unchanged_count) == (1, 1)
    assert order.total == Decimal("542.00")


def test_an_order_with_one_bad_line_is_refused_whole(world: World, admin: Actor, book: dict) -> None:
    text = ORDERS.replace("BAR-18,6,40.00", "NOPE-1,6,40.00")

    run = do_import(admin, "orders", csv_file(text))

    assert not Order.objects.for_tenant(world.acme).filter(order_number="SO-9001").exists()
    assert problems(run) == [
        (2, "not imported with the line on row 3"),
        (3, "SKU: no product with SKU NOPE-1"),
    ]
    assert (run.created_count, run.skipped_count) == (1, 1)


def test_an_orders_lines_must_be_together(world: World, admin: Actor, book: dict) -> None:
    text = ORDERS + "SO-9001,C-1,2026-11-02,RIO-19,1,\n"

    run = do_import(admin, "orders", csv_file(text))

    assert problems(run) == [
        (5, "Order number: order SO-9001 already had lines on row 2; keep an order's lines together")
    ]


def test_a_bad_date_is_refused_naming_row_and_column(world: World, admin: Actor, book: dict) -> None:
    run = do_import(admin, "orders", csv_file(ORDERS.replace("2026-11-03", "31/31/2026")))

    assert problems(run) == [(4, "Order date: 31/31/2026 is not a date; write dates as 2026-03-31")]


def test_an_order_line_without_date_or_sku_is_refused(world: World, admin: Actor, book: dict) -> None:
    text = (
        ORDERS.replace("SO-9002,C-2,2026-11-03,RIO-19,3,", "SO-9002,C-2,,RIO-19,3,")
        + "SO-9003,C-2,2026-11-04,,1,\n"
    )

    run = do_import(admin, "orders", csv_file(text))

    assert problems(run) == [
        (4, "Order date: is empty; every row needs it"),
        (5, "SKU: is empty; every row needs it"),
    ]
    assert run.created_count == 1
