"""The customer page's health panel: the tenant's health score for one customer, the parts of its
formula that cost points, the cadence and the segments, checked against figures worked out by hand and
against the plain-Python reference evaluator."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.crm.models import Customer
from leora.metrics.formula import analyse
from leora.metrics.formula.catalog import BuildContext
from leora.metrics.health import bounds, customer_health, signed_parts, sum_inside
from leora.metrics.models import MetricDefinition, MetricKind, MetricVersion
from leora.metrics.services import metric_deprecate, metric_update
from leora.tenancy.models import Tenant
from tests import factories
from tests.conftest import World
from tests.metrics import dataset
from tests.metrics.reference import Reference

pytestmark = pytest.mark.django_db


def _today(tenant: Tenant) -> date:
    return timezone.localtime(timezone.now(), tenant.tzinfo).date()


def _as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def slipping(world: World, unscoped: None) -> Customer:
    """A customer worked out by hand (the default health_score formula):

    - 13 orders 10 days apart, the last 20 days ago: usual interval 10, overdue ratio 2.0 -> -60;
      expected next order 10 days ago;
    - the 7 orders of the last 90 days are $50 (350), the 6 before are $100 (600): trend
      20 * 350/600 = +11.67, 8.33 short of 20;
    - an invoice of 500 with 100 paid, due 5 days ago (400 overdue) -> -8; one not due yet counts not;
    - a call 15 days ago -> 10 * 15/60 = -2.5;
    - score round(100 - 60 - 8 - 2.5 + 11.67) = 41.
    """
    today = _today(world.acme)
    product = factories.make_product(world.acme, unit_price=Decimal("10.00"))
    customer = factories.make_customer(world.acme, world.rep1, name="Slipping Cellar")
    for days_ago in range(140, 19, -10):
        quantity = 5 if days_ago < 90 else 10
        factories.make_order(customer, [(product, quantity)], order_date=today - timedelta(days=days_ago))
    factories.make_invoice(customer, amount="500.00", paid="100.00", due_on=today - timedelta(days=5))
    factories.make_invoice(customer, amount="300.00", due_on=today + timedelta(days=20))
    noon = datetime.combine(today - timedelta(days=15), time(12), tzinfo=world.acme.tzinfo)
    factories.make_activity(customer, world.rep1, occurred_at=noon)
    return customer


def test_the_score_is_the_tenants_health_score_for_the_customer(world: World, slipping: Customer) -> None:
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    assert health.metric is not None
    assert (health.metric.code, health.metric.version) == ("health_score", 1)
    assert health.score == 41


def test_each_part_of_the_formula_shows_its_inputs_and_the_points_it_cost(
    world: World, slipping: Customer
) -> None:
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    assert health.base == 100
    parts = {r.label: r for r in health.reasons}
    assert list(parts) == [
        "Overdue ratio",
        "Overdue balance",
        "Days since last contact",
        "Revenue last 90 days vs prior 90 days",
    ]
    ratio = parts["Overdue ratio"]
    assert [(i.name, i.value) for i in ratio.inputs] == [("overdue_ratio", 2.0)]
    assert (ratio.points, ratio.best, ratio.at_stake, ratio.lost) == (-60, 0, 90, 60)
    balance = parts["Overdue balance"]
    assert [(i.name, i.value) for i in balance.inputs] == [("overdue_balance", 400.0)]
    assert (balance.points, balance.lost, balance.at_stake) == (-8, 8, 20)
    contact = parts["Days since last contact"]
    assert [(i.name, i.value) for i in contact.inputs] == [("days_since_last_activity", 15.0)]
    assert (contact.points, contact.lost, contact.at_stake) == (-2.5, 2.5, 10)
    trend = parts["Revenue last 90 days vs prior 90 days"]
    assert [(i.name, i.value) for i in trend.inputs] == [
        ("revenue_last_90_days", 350.0),
        ("revenue_prior_90_days", 600.0),
    ]
    assert trend.points == pytest.approx(20 * 350 / 600)
    assert trend.lost == pytest.approx(20 - 20 * 350 / 600)
    assert trend.best == 20 and trend.at_stake == 20
    assert all(r.costs_points for r in health.reasons)


def test_a_part_at_its_best_costs_no_points(world: World, unscoped: None) -> None:
    # given: a weekly buyer with no invoices, ordering this week, called today, revenue steady
    today = _today(world.acme)
    product = factories.make_product(world.acme, unit_price=Decimal("10.00"))
    steady = factories.make_customer(world.acme, world.rep1, name="Steady Bar")
    for weeks in range(0, 30):
        factories.make_order(steady, [(product, 3)], order_date=today - timedelta(weeks=weeks))
    factories.make_activity(steady, world.rep1, occurred_at=timezone.now())
    # when
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=steady)
    # then: on the day of an order the ratio is 0, so nothing at all is lost
    assert [r.label for r in health.points_lost] == []
    # the parts reach 120 (the full trend bonus of 20); the formula holds the score to 100
    assert health.score == 100
    assert health.usual_interval_days == 7


def test_the_cadence_figures_come_from_the_catalog(world: World, slipping: Customer) -> None:
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    today = _today(world.acme)
    assert health.usual_interval_days == 10
    assert health.expected_next_order == today - timedelta(days=10)
    assert health.days_since_last_order == 20
    assert health.overdue_ratio == 2.0


def test_the_segments_the_customer_belongs_to_are_marked(world: World, slipping: Customer) -> None:
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    member = {s.metric.code for s in health.member_of}
    assert {"at_risk_customer", "declining_revenue", "overdue_balance"} <= member
    assert not member & {"healthy_customer", "dormant_customer", "due_to_order", "contacted_recently"}
    at_risk = next(s for s in health.segments if s.metric.code == "at_risk_customer")
    assert (at_risk.metric.version, at_risk.tone) == (1, "at-risk")


def test_every_segment_membership_agrees_with_the_segments_customer_list(
    world: World, slipping: Customer
) -> None:
    from leora.metrics.evaluation import metric_customers

    actor = factories.actor(world.acme, world.rep1)
    health = customer_health(actor=actor, customer=slipping)
    segments = MetricDefinition.objects.for_tenant(world.acme).filter(kind=MetricKind.SEGMENT)
    assert {s.metric.code for s in health.segments} == set(segments.values_list("code", flat=True))
    for segment in health.segments:
        listed = metric_customers(world.acme, segment.metric.code, actor).filter(pk=slipping.pk).exists()
        assert segment.member == listed, segment.metric.code


def test_a_customer_with_too_few_orders_has_no_usual_interval(world: World, unscoped: None) -> None:
    customer = factories.make_customer(world.acme, world.rep1, name="New Bistro")
    factories.make_order(customer, order_date=_today(world.acme) - timedelta(days=3))
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=customer)
    ratio = next(r for r in health.reasons if r.label == "Overdue ratio")
    assert ratio.inputs[0].value is None
    assert ratio.points == -30  # coalesce(overdue_ratio, 1): an unknown rhythm counts as on time
    assert health.usual_interval_days is None and health.expected_next_order is None


def test_an_edited_formula_is_explained_by_its_new_parts_and_version(
    world: World, slipping: Customer
) -> None:
    admin = factories.actor(world.acme, world.admin)
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="health_score")
    metric_update(
        actor=admin,
        definition=definition,
        changes={"formula": "max(0, 50 - 10 * min(overdue_ratio, 4) + 5 * min(order_count / 13, 1))"},
    )
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    assert health.metric is not None and health.metric.version == 2
    assert health.score == 50 - 20 + 5
    assert [(r.label, r.points, r.at_stake) for r in health.reasons] == [
        ("Overdue ratio", -20, 40),
        ("Order count", 5, 5),
    ]
    assert [r.label for r in health.points_lost] == ["Overdue ratio"]


def test_a_deprecated_segment_is_left_out(world: World, slipping: Customer) -> None:
    admin = factories.actor(world.acme, world.admin)
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="overdue_balance")
    metric_deprecate(actor=admin, definition=definition, reason="replaced")
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    assert "overdue_balance" not in {s.metric.code for s in health.segments}


def test_without_a_health_score_metric_the_panel_has_no_score(world: World, slipping: Customer) -> None:
    MetricVersion.objects.for_tenant(world.acme).filter(code="health_score").delete()
    MetricDefinition.objects.for_tenant(world.acme).filter(code="health_score").delete()
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    assert health.metric is None and health.score is None and health.reasons == []
    assert health.member_of  # the segments still show
    html = _as_user(world.rep1).get(f"/customers/{slipping.pk}/").content.decode()
    assert "No health score yet" in html


def test_another_tenants_formulas_never_apply(world: World, slipping: Customer) -> None:
    other_admin = factories.actor(world.other, world.other_admin)
    theirs = MetricDefinition.objects.for_tenant(world.other).get(code="health_score")
    metric_update(actor=other_admin, definition=theirs, changes={"formula": "7"})
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    assert health.score == 41 and health.metric is not None and health.metric.version == 1


def test_a_customer_outside_the_actors_book_gets_an_empty_panel(world: World, slipping: Customer) -> None:
    health = customer_health(actor=factories.actor(world.acme, world.rep2), customer=slipping)
    assert health.score is None and not health.member_of


def test_the_panel_takes_three_queries(
    world: World, slipping: Customer, django_assert_num_queries: Any
) -> None:
    actor = factories.actor(world.acme, world.rep1)
    # the metric versions, the customer's attributes, the formulas over them
    with django_assert_num_queries(3):
        customer_health(actor=actor, customer=slipping)


# ------------------------------------------------------------------------------------ the reference


def test_score_parts_and_segments_agree_with_the_python_reference(
    world: World, tenant_data: tuple[Tenant, dict[int, dict[str, Any]]]
) -> None:
    tenant, values = tenant_data
    admin = factories.actor(tenant, world.admin)
    versions = {v.code: v for v in MetricVersion.objects.for_tenant(tenant).filter(version=1)}
    trees = {code: analyse(v.formula, kind=v.kind).tree for code, v in versions.items()}
    segment_codes = [code for code, v in versions.items() if v.kind == MetricKind.SEGMENT]
    for customer in Customer.objects.for_tenant(tenant):
        health = customer_health(actor=admin, customer=customer, today=dataset.TODAY)
        reference = Reference(values[customer.pk], dataset.TODAY, {})
        expected = reference.eval(trees["health_score"])
        assert health.score == expected, customer.name
        if health.score is not None:
            # The parts add up to the sum inside round(min(100, max(0, ...))).
            total = (health.base or 0) + sum(r.points or 0 for r in health.reasons)
            assert round(min(100, max(0, total))) == pytest.approx(health.score, abs=1)
        membership = {s.metric.code: s.member for s in health.segments}
        for code in segment_codes:
            assert membership[code] == (reference.eval(trees[code]) is True), (customer.name, code)


# ------------------------------------------------------------------------------------- the bounds


def test_the_bounds_of_the_default_formulas_parts_give_each_its_range() -> None:
    checked = analyse(
        "round(max(0, 100 - 30 * min(coalesce(overdue_ratio, 1), 3) - 20 * min(overdue_balance / 1000, 1) "
        "+ 20 * min(revenue_last_90_days / max(revenue_prior_90_days, 1), 1)))",
        kind="value",
    )
    ctx = BuildContext(tenant_id=1, today=date(2025, 3, 14))
    ranges = [(sign, bounds(term, ctx)) for sign, term in signed_parts(sum_inside(checked.tree))]
    assert ranges == [(1, (100, 100)), (-1, (0, 90)), (-1, (0, 20)), (1, (0, 20))]


def test_an_unbounded_part_has_no_best_and_costs_points_only_when_negative(
    world: World, slipping: Customer
) -> None:
    admin = factories.actor(world.acme, world.admin)
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="health_score")
    metric_update(actor=admin, definition=definition, changes={"formula": "100 - days_since_last_order"})
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    [reason] = health.reasons
    assert (reason.points, reason.best, reason.lost) == (-20, 0, 20)
    metric_update(actor=admin, definition=definition, changes={"formula": "days_until_expected_order + 100"})
    health = customer_health(actor=factories.actor(world.acme, world.rep1), customer=slipping)
    [reason] = health.reasons
    assert (reason.points, reason.best, reason.lost) == (-10, None, None)
    assert reason.costs_points


# --------------------------------------------------------------------------------- the customer page


def test_the_customer_page_shows_the_score_its_reasons_and_segments(world: World, slipping: Customer) -> None:
    html = _as_user(world.rep1).get(f"/customers/{slipping.pk}/").content.decode()
    assert 'data-testid="health-score">41<' in html
    assert "Pulled down by overdue ratio, overdue balance, days since last contact and revenue" in html
    assert "60 of 90 lost" in html and "2.5 of 10 lost" in html
    assert 'href="/metrics/health_score/"' in html and "Health score · version 1" in html
    assert 'class="badge badge-at-risk" href="/metrics/at_risk_customer/"' in html
    assert "leora/health.css" in html


def test_the_customer_page_runs_a_fixed_number_of_queries(
    world: World, slipping: Customer, django_assert_num_queries: Any
) -> None:
    client = _as_user(world.rep1)
    # session, user, membership; customer, stats, orders, invoices, totals, activities, contacts,
    # tasks; the rhythm line's due segment and figures; the health panel's metric versions,
    # attributes and formulas; the stored enrichment.
    with django_assert_num_queries(17):
        assert client.get(f"/customers/{slipping.pk}/").status_code == 200


def test_another_tenants_customer_page_is_not_found(world: World, slipping: Customer) -> None:
    assert _as_user(world.other_admin).get(f"/customers/{slipping.pk}/").status_code == 404
