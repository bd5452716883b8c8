"""Widget data is cached per viewer, scope, widget, config and day, and any write the widget could show
makes the cached answer unreachable (the book is described in conftest.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import Customer, Invoice, Task
from leora.crm.services.invoices import invoice_payment_record
from leora.crm.services.orders import LineRequest, order_create
from leora.crm.services.tasks import task_complete
from leora.dashboard.data import widget_data
from leora.metrics.models import MetricDefinition
from leora.metrics.services import metric_update
from tests import factories
from tests.conftest import World
from tests.dashboard.conftest import Book

pytestmark = pytest.mark.django_db

# Warm: the three tenant tokens (one read) and the cached answer.
WARM_QUERIES = 2
# Cold: the tokens, the cache miss, the two data queries, and storing the answer (with the cache
# table's own bookkeeping).
COLD_UPCOMING_QUERIES = 9


def _at_risk_names(data: dict[str, Any]) -> list[str]:
    return [item["name"] for item in data["data"]["items"]]


def test_a_warm_widget_answers_from_the_cache(
    world: World, book: Book, django_assert_num_queries: Any
) -> None:
    actor = factories.actor(world.acme, world.rep1)
    cold = widget_data(actor=actor, widget_type="at_risk_customers")
    with django_assert_num_queries(WARM_QUERIES):
        warm = widget_data(actor=actor, widget_type="at_risk_customers")
    assert warm == cold


def test_an_order_write_invalidates_the_cached_widget(world: World, book: Book, today: date) -> None:
    # given: Birch Bar is at risk, and the answer is cached
    actor = factories.actor(world.acme, world.rep1)
    assert _at_risk_names(widget_data(actor=actor, widget_type="at_risk_customers")) == ["Birch Bar"]
    birch = Customer.objects.for_tenant(world.acme).get(name="Birch Bar")
    product = factories.make_product(world.acme, unit_price=Decimal("10.00"))
    # when: Birch orders today
    order_create(actor=actor, customer_id=birch.pk, lines=[LineRequest(product_id=product.pk, quantity=1)])
    # then: the next read is computed again and Birch is no longer late
    assert _at_risk_names(widget_data(actor=actor, widget_type="at_risk_customers")) == []


def test_a_metric_edit_invalidates_the_cached_widget(world: World, book: Book) -> None:
    rep1 = factories.actor(world.acme, world.rep1)
    before = widget_data(actor=rep1, widget_type="at_risk_customers")
    assert _at_risk_names(before) == ["Birch Bar"]
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="at_risk_customer")
    # Cedar Cellar is 1.3 cycles late: a threshold of 1.2 takes it in.
    metric_update(
        actor=factories.actor(world.acme, world.admin), definition=definition,
        changes={"formula": "order_count >= 3 and overdue_ratio >= 1.2 and overdue_ratio < 3"},
    )  # fmt: skip
    after = widget_data(actor=rep1, widget_type="at_risk_customers")
    assert sorted(_at_risk_names(after)) == ["Birch Bar", "Cedar Cellar"]
    assert after["data"]["metric"]["version"] == before["data"]["metric"]["version"] + 1


def test_a_payment_invalidates_the_cached_balances(world: World, book: Book) -> None:
    manager = factories.actor(world.acme, world.manager)
    before = widget_data(actor=manager, widget_type="customer_balances")["data"]
    invoice = Invoice.objects.for_tenant(world.acme).get(customer__name="Birch Bar", amount=Decimal("120.00"))
    invoice_payment_record(actor=manager, invoice=invoice, amount=Decimal("20.00"))
    after = widget_data(actor=manager, widget_type="customer_balances")["data"]
    assert after != before


def test_completing_a_task_invalidates_the_cached_task_list(world: World, book: Book) -> None:
    rep1 = factories.actor(world.acme, world.rep1)
    titles = [
        t["title"] for t in widget_data(actor=rep1, widget_type="tasks_from_management")["data"]["items"]
    ]
    assert "manager overdue" in titles
    task = Task.objects.for_tenant(world.acme).get(title="manager overdue")
    task_complete(actor=rep1, task=task)
    after = [
        t["title"] for t in widget_data(actor=rep1, widget_type="tasks_from_management")["data"]["items"]
    ]
    assert "manager overdue" not in after


def test_a_cached_personal_widget_is_never_shown_to_someone_else(world: World, book: Book) -> None:
    rep1, rep2 = factories.actor(world.acme, world.rep1), factories.actor(world.acme, world.rep2)
    mine = widget_data(actor=rep1, widget_type="tasks_from_management")
    theirs = widget_data(actor=rep2, widget_type="tasks_from_management")
    assert mine != theirs


def test_another_config_is_cached_apart(world: World, book: Book) -> None:
    rep1 = factories.actor(world.acme, world.rep1)
    widget_data(actor=rep1, widget_type="at_risk_customers", config={"limit": 5})
    due = widget_data(actor=rep1, widget_type="at_risk_customers", config={"metric": "due_to_order"})
    assert due["data"]["metric"]["code"] == "due_to_order"


def test_upcoming_events_are_cached_for_minutes_not_for_the_day(
    world: World, book: Book, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    # given: the widget's answer cached at a moment of the day
    actor = factories.actor(world.acme, world.rep1)
    moment = 1_800_000_000.0
    monkeypatch.setattr("leora.dashboard.data.time.time", lambda: moment)
    with django_assert_num_queries(COLD_UPCOMING_QUERIES):
        widget_data(actor=actor, widget_type="upcoming_events")
    with django_assert_num_queries(WARM_QUERIES):
        widget_data(actor=actor, widget_type="upcoming_events")
    # when: five minutes later, the same day
    monkeypatch.setattr("leora.dashboard.data.time.time", lambda: moment + 300)
    # then: it is computed again (an event may have started since): the cold cost, not the warm one
    with django_assert_num_queries(COLD_UPCOMING_QUERIES):
        widget_data(actor=actor, widget_type="upcoming_events")
