"""Order services and selectors behind the order pages: line checks, status history, totals, repeat."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leora.crm.models import Order, OrderLine, Product
from leora.crm.selectors.orders import customer_last_order, order_list, order_status_history, order_totals
from leora.crm.services.orders import LineRequest, order_create, order_update
from leora.errors import InvalidInput
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import actor, make_order, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def rioja(world: World, unscoped: None) -> Product:
    return make_product(world.acme, name="Rioja Reserva", sku="RIO-1", unit_price=Decimal("18.50"))


def _nothing_written(world: World) -> bool:
    return (
        not Order.objects.for_tenant(world.acme).exists()
        and not OrderLine.objects.for_tenant(world.acme).exists()
    )


def test_a_zero_quantity_is_refused_by_the_service_naming_the_line(
    world: World, book: Book, rioja: Product, unscoped: None
) -> None:
    with pytest.raises(InvalidInput) as refused:
        order_create(
            actor=actor(world.acme, world.rep1), customer_id=book.rep1.pk,
            lines=[LineRequest(product_id=rioja.pk, quantity=2),
                   LineRequest(product_id=rioja.pk, quantity=0)],
        )  # fmt: skip
    assert [e.field for e in refused.value.errors] == ["lines.1.quantity"]
    assert _nothing_written(world)


def test_a_negative_price_is_refused_naming_the_line(
    world: World, book: Book, rioja: Product, unscoped: None
) -> None:
    with pytest.raises(InvalidInput) as refused:
        order_create(
            actor=actor(world.acme, world.rep1), customer_id=book.rep1.pk,
            lines=[LineRequest(product_id=rioja.pk, quantity=1, unit_price=Decimal("-1"))],
        )  # fmt: skip
    assert [e.field for e in refused.value.errors] == ["lines.0.unit_price"]
    assert _nothing_written(world)


def test_an_order_without_lines_is_refused_on_lines(world: World, book: Book, unscoped: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        order_create(actor=actor(world.acme, world.rep1), customer_id=book.rep1.pk, lines=[])
    assert refused.value.errors[0].field == "lines"
    assert _nothing_written(world)


def test_the_status_history_follows_every_change_with_who_made_it(
    world: World, book: Book, rioja: Product, unscoped: None
) -> None:
    rep, manager = actor(world.acme, world.rep1), actor(world.acme, world.manager)
    order = order_create(
        actor=rep,
        customer_id=book.rep1.pk,
        status="draft",
        lines=[LineRequest(product_id=rioja.pk, quantity=1)],
    )
    order_update(actor=rep, order=order, changes={"status": "submitted"})
    order_update(actor=rep, order=order, changes={"notes": "ring the bell"})  # not a status change
    order_update(actor=manager, order=order, changes={"status": "cancelled"})

    history = order_status_history(actor=rep, order=order)

    assert [(step.previous, step.status) for step in history] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "cancelled"),
    ]
    assert [step.by for step in history] == [world.rep1, world.rep1, world.manager]


def test_an_order_written_without_the_services_starts_its_history_at_its_creation(
    world: World, book: Book, unscoped: None
) -> None:
    order = make_order(book.rep1, status="fulfilled")
    history = order_status_history(actor=actor(world.acme, world.rep1), order=order)
    assert [(step.previous, step.status, step.at) for step in history] == [
        (None, "fulfilled", order.created_at)
    ]


def test_the_history_reads_only_this_orders_events(
    world: World, book: Book, rioja: Product, unscoped: None
) -> None:
    rep = actor(world.acme, world.rep1)
    first = order_create(
        actor=rep, customer_id=book.rep1.pk, lines=[LineRequest(product_id=rioja.pk, quantity=1)]
    )
    second = order_create(
        actor=rep, customer_id=book.rep1.pk, lines=[LineRequest(product_id=rioja.pk, quantity=1)]
    )
    order_update(actor=rep, order=second, changes={"status": "fulfilled"})
    assert len(order_status_history(actor=rep, order=first)) == 1
    assert AuditEvent.objects.for_tenant(world.acme).filter(object_type="order").count() == 3


def test_totals_leave_cancelled_orders_out_of_the_revenue(
    world: World, book: Book, rioja: Product, unscoped: None
) -> None:
    make_order(book.rep1, [(rioja, 2)])
    make_order(book.rep1, [(rioja, 10)], status="cancelled")
    make_order(book.rep2, [(rioja, 1)])
    totals = order_totals(order_list(actor=actor(world.acme, world.rep1)))
    assert (totals.count, totals.cancelled, totals.revenue) == (2, 1, Decimal("37.00"))


def test_the_last_order_to_repeat_skips_cancelled_ones(
    world: World, book: Book, rioja: Product, unscoped: None
) -> None:
    from datetime import timedelta

    from leora.tenancy.calendar import tenant_today

    today = tenant_today(world.acme)
    kept = make_order(book.rep1, [(rioja, 4)], order_date=today - timedelta(days=9))
    make_order(book.rep1, [(rioja, 40)], order_date=today - timedelta(days=2), status="cancelled")
    last = customer_last_order(actor=actor(world.acme, world.rep1), customer=book.rep1)
    assert last is not None and last.pk == kept.pk
    assert customer_last_order(actor=actor(world.acme, world.rep1), customer=book.rep1b) is None
