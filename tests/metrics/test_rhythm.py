"""The customer page's rhythm line: the catalog's cadence figures for one customer and whether the
account is due (the tenant's due_to_order segment), late or on time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.crm.models import Customer
from leora.metrics.health import customer_health
from leora.metrics.models import MetricDefinition
from leora.metrics.rhythm import customer_rhythm
from leora.metrics.services import metric_deprecate, metric_update
from leora.tenancy.models import Tenant
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _today(tenant: Tenant) -> date:
    return timezone.localtime(timezone.now(), tenant.tzinfo).date()


def _as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _every_14_days(world: World, *, last_days_ago: int, orders: int = 5, name: str = "Cellar") -> Customer:
    """A customer with ``orders`` orders 14 days apart, the newest ``last_days_ago`` days ago."""
    today = _today(world.acme)
    customer = factories.make_customer(world.acme, world.rep1, name=name)
    for n in range(orders):
        factories.make_order(customer, order_date=today - timedelta(days=last_days_ago + 14 * n))
    return customer


def _rhythm(world: World, customer: Customer, user: Any = None) -> Any:
    return customer_rhythm(actor=factories.actor(world.acme, user or world.rep1), customer=customer)


def test_an_account_expected_within_the_week_is_due(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=10)
    rhythm = _rhythm(world, customer)
    today = _today(world.acme)
    assert rhythm.usual_interval_days == 14
    assert rhythm.last_order == today - timedelta(days=10)
    assert rhythm.expected_next_order == today + timedelta(days=4)
    assert rhythm.days_until_expected == 4
    assert (rhythm.state, rhythm.label, rhythm.badge) == ("due", "Due", "badge-due")


def test_an_account_expected_later_is_on_time(world: World, unscoped: None) -> None:
    rhythm = _rhythm(world, _every_14_days(world, last_days_ago=3))
    assert (rhythm.state, rhythm.days_until_expected, rhythm.label) == ("on_time", 11, "On time")


def test_an_account_past_its_expected_date_is_late_by_the_days_since(world: World, unscoped: None) -> None:
    rhythm = _rhythm(world, _every_14_days(world, last_days_ago=20))
    assert (rhythm.state, rhythm.days_late, rhythm.label) == ("late", 6, "Late")
    assert rhythm.overdue_ratio == pytest.approx(20 / 14)


def test_with_fewer_than_three_orders_there_is_no_rhythm_yet(world: World, unscoped: None) -> None:
    rhythm = _rhythm(world, _every_14_days(world, last_days_ago=5, orders=2))
    assert (rhythm.state, rhythm.order_count, rhythm.orders_needed) == ("too_few_orders", 2, 1)
    assert rhythm.usual_interval_days is None and rhythm.expected_next_order is None
    assert rhythm.last_order == _today(world.acme) - timedelta(days=5)


def test_cancelled_orders_do_not_count(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=3, orders=2)
    factories.make_order(customer, order_date=_today(world.acme), status="cancelled")
    rhythm = _rhythm(world, customer)
    assert (rhythm.state, rhythm.order_count) == ("too_few_orders", 2)


def test_a_customer_who_never_ordered_has_no_orders(world: World, unscoped: None) -> None:
    customer = factories.make_customer(world.acme, world.rep1)
    rhythm = _rhythm(world, customer)
    assert (rhythm.state, rhythm.order_count, rhythm.last_order) == ("no_orders", 0, None)


def test_due_follows_the_tenants_due_to_order_formula(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=3)
    assert _rhythm(world, customer).state == "on_time"
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="due_to_order")
    metric_update(
        actor=factories.actor(world.acme, world.admin),
        definition=definition,
        changes={"formula": "days_until_expected_order between 0 days and 14 days"},
    )
    assert _rhythm(world, customer).state == "due"


def test_without_a_current_due_segment_nothing_is_called_due(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=10)
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="due_to_order")
    metric_deprecate(actor=factories.actor(world.acme, world.admin), definition=definition, reason="unused")
    rhythm = _rhythm(world, customer)
    assert (rhythm.state, rhythm.due_metric_code) == ("on_time", "")


def test_the_figures_are_the_ones_the_health_panel_shows(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=17, orders=8)
    actor = factories.actor(world.acme, world.rep1)
    rhythm = customer_rhythm(actor=actor, customer=customer)
    health = customer_health(actor=actor, customer=customer)
    assert rhythm.usual_interval_days == health.usual_interval_days
    assert rhythm.expected_next_order == health.expected_next_order
    assert rhythm.overdue_ratio == health.overdue_ratio
    due = next(s for s in health.segments if s.metric.code == "due_to_order")
    assert due.member is (rhythm.state == "due")


def test_a_customer_outside_the_actors_book_shows_nothing(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=10)
    rhythm = _rhythm(world, customer, user=world.rep2)
    assert (rhythm.state, rhythm.last_order) == ("no_orders", None)


def test_the_rhythm_takes_two_queries(world: World, unscoped: None, django_assert_num_queries: Any) -> None:
    customer = _every_14_days(world, last_days_ago=10, orders=13)
    actor = factories.actor(world.acme, world.rep1)
    # The due segment's current version, then every figure and its condition.
    with django_assert_num_queries(2):
        customer_rhythm(actor=actor, customer=customer)


def test_the_customer_page_shows_the_rhythm_in_one_line(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=20)
    html = _as_user(world.rep1).get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="rhythm-line" data-state="late"' in html
    assert "Orders about every <strong" in html and "14 days</strong>" in html
    assert "Next was expected" in html
    assert 'data-testid="rhythm-state">Late by 6 days<' in html
    assert "leora/rhythm.css" in html


def test_the_customer_page_says_when_there_is_not_enough_history(world: World, unscoped: None) -> None:
    customer = _every_14_days(world, last_days_ago=5, orders=1)
    html = _as_user(world.rep1).get(f"/customers/{customer.pk}/").content.decode()
    assert "1 order so far: a usual interval needs 2 more." in html
