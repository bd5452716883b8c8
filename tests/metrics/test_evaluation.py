from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leora.errors import InvalidInput, NotFound
from leora.metrics.defaults import TEMPLATES
from leora.metrics.models import MetricDefinition
from leora.metrics.services import (
    install_default_metrics,
    metric_count,
    metric_create,
    metric_customers,
    metric_update,
    metric_values,
)
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


@pytest.fixture
def cadence(world: World, unscoped: None) -> dict[str, Any]:
    """Weekly buyers: one on time, one 12 days late (at risk), one long gone (dormant)."""

    def weekly(rep: Any, name: str, last_days_ago: int) -> Any:
        customer = factories.make_customer(world.acme, rep, name=name, account_type="ACTIVE")
        for week in range(6):
            factories.make_order(customer, order_date=TODAY - timedelta(days=last_days_ago + 7 * week))
        return customer

    return {
        "on_time": weekly(world.rep1, "On time", 3),
        "at_risk": weekly(world.rep1, "At risk", 12),
        "at_risk_2": weekly(world.rep2, "At risk too", 14),
        "dormant": weekly(world.rep3, "Dormant", 100),
    }


def names(customers: Any) -> set[str]:
    return set(customers.values_list("name", flat=True))


def test_default_at_risk_follows_the_cadence(world: World, cadence: Any) -> None:
    admin = factories.actor(world.acme, world.admin)
    assert names(metric_customers(world.acme, "at_risk_customer", admin, today=TODAY)) == {
        "At risk",
        "At risk too",
    }
    assert names(metric_customers(world.acme, "dormant_customer", admin, today=TODAY)) == {"Dormant"}
    assert names(metric_customers(world.acme, "healthy_customer", admin, today=TODAY)) == {"On time"}


def test_metric_customers_respects_the_role_scope(world: World, cadence: Any) -> None:
    rep1 = factories.actor(world.acme, world.rep1)
    manager = factories.actor(world.acme, world.manager)
    assert names(metric_customers(world.acme, "at_risk_customer", rep1, today=TODAY)) == {"At risk"}
    assert names(metric_customers(world.acme, "at_risk_customer", manager, today=TODAY)) == {
        "At risk",
        "At risk too",
    }


def test_metric_customers_follows_the_current_version(world: World, cadence: Any) -> None:
    admin = factories.actor(world.acme, world.admin)
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="at_risk_customer")
    metric_update(actor=admin, definition=definition, changes={"formula": "overdue_ratio >= 2"})
    assert names(metric_customers(world.acme, "at_risk_customer", admin, today=TODAY)) == {
        "At risk too",
        "Dormant",
    }


def test_segments_can_build_on_other_segments(world: World, cadence: Any) -> None:
    admin = factories.actor(world.acme, world.admin)
    metric_create(actor=admin, code="risky_reps_one", name="x", kind="segment",
                  formula="metric.at_risk_customer and assigned_rep = 'rep1@acme.test'")  # fmt: skip
    assert names(metric_customers(world.acme, "risky_reps_one", admin, today=TODAY)) == {"At risk"}


def test_metric_values_annotates_a_value_metric(world: World, cadence: Any) -> None:
    admin = factories.actor(world.acme, world.admin)
    customers: Any = metric_values(world.acme, "days_overdue", admin, today=TODAY)
    values = dict(customers.values_list("name", "metric_value"))
    assert values["At risk"] == 5 and values["On time"] == 0


def late_weekly_buyers(world: World, count: int) -> None:
    for n in range(count):
        customer = factories.make_customer(world.acme, world.rep1, name=f"Late {n}", account_type="ACTIVE")
        for week in range(6):
            factories.make_order(customer, order_date=TODAY - timedelta(days=12 + 7 * week))


def test_listing_a_segment_runs_a_fixed_number_of_queries(
    world: World, cadence: Any, django_assert_num_queries: Any
) -> None:
    late_weekly_buyers(world, 5)
    manager = factories.actor(world.acme, world.manager)
    # the definition, its current version, then one query for the customers however many match.
    with django_assert_num_queries(3):
        customers = list(metric_customers(world.acme, "at_risk_customer", manager, today=TODAY))
    assert len(customers) == 7


def test_listing_a_value_metric_runs_a_fixed_number_of_queries(
    world: World, cadence: Any, django_assert_num_queries: Any
) -> None:
    late_weekly_buyers(world, 5)
    admin = factories.actor(world.acme, world.admin)
    # the definition, its current version, then one query for the customers and their values.
    with django_assert_num_queries(3):
        customers: Any = metric_values(world.acme, "days_overdue", admin, today=TODAY)
        values = dict(customers.values_list("name", "metric_value"))
    assert len(values) == 9 and values["Late 4"] == 5


def test_an_unknown_code_or_another_tenants_scope_is_not_found(world: World, cadence: Any) -> None:
    admin = factories.actor(world.acme, world.admin)
    other = factories.actor(world.other, world.other_admin)
    with pytest.raises(NotFound):
        metric_customers(world.acme, "nope_code", admin)
    with pytest.raises(NotFound):
        metric_customers(world.acme, "at_risk_customer", other)


def test_asking_a_value_metric_for_customers_is_invalid(world: World, cadence: Any) -> None:
    with pytest.raises(InvalidInput):
        metric_customers(world.acme, "health_score", factories.actor(world.acme, world.admin))


def test_counts_are_cached_until_orders_change(world: World, cadence: Any) -> None:
    admin = factories.actor(world.acme, world.admin)
    assert metric_count(world.acme, "at_risk_customer", admin, today=TODAY) == 2
    with CaptureQueriesContext(connection) as queries:
        assert metric_count(world.acme, "at_risk_customer", admin, today=TODAY) == 2
    # The definition is loaded (and the cache read, when the cache is a database table), but no
    # customer or order is counted again.
    assert not [q["sql"] for q in queries.captured_queries if "crm_" in q["sql"]]
    factories.make_order(cadence["at_risk"], order_date=TODAY)
    assert metric_count(world.acme, "at_risk_customer", admin, today=TODAY) == 1


def test_counts_are_cached_per_scope(world: World, cadence: Any) -> None:
    assert (
        metric_count(world.acme, "at_risk_customer", factories.actor(world.acme, world.admin), today=TODAY)
        == 2
    )
    assert (
        metric_count(world.acme, "at_risk_customer", factories.actor(world.acme, world.rep1), today=TODAY)
        == 1
    )


def test_a_new_version_invalidates_the_count(world: World, cadence: Any) -> None:
    admin = factories.actor(world.acme, world.admin)
    assert metric_count(world.acme, "at_risk_customer", admin, today=TODAY) == 2
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="at_risk_customer")
    metric_update(actor=admin, definition=definition, changes={"formula": "overdue_ratio >= 1"})
    assert metric_count(world.acme, "at_risk_customer", admin, today=TODAY) == 3


def test_installing_the_defaults_twice_changes_nothing(world: World) -> None:
    assert MetricDefinition.objects.for_tenant(world.acme).count() == len(TEMPLATES)
    assert install_default_metrics(world.acme) == 0
    assert MetricDefinition.objects.for_tenant(world.acme).count() == len(TEMPLATES)


def test_installing_the_defaults_fills_in_only_missing_codes(world: World) -> None:
    MetricDefinition.objects.for_tenant(world.acme).filter(code="new_customer").delete()
    assert install_default_metrics(world.acme) == 1


def test_a_paid_invoice_invalidates_the_overdue_balance_count(world: World, unscoped: None) -> None:
    admin = factories.actor(world.acme, world.admin)
    customer = factories.make_customer(world.acme, world.rep1)
    invoice = factories.make_invoice(
        customer, "100", issued_on=TODAY - timedelta(days=40), due_on=TODAY - timedelta(days=10)
    )
    assert metric_count(world.acme, "overdue_balance", admin, today=TODAY) == 1
    invoice.paid_amount = invoice.amount
    invoice.save()
    assert metric_count(world.acme, "overdue_balance", admin, today=TODAY) == 0
