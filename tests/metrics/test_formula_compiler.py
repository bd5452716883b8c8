from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import CharField, FloatField

from leora.crm.models import Customer
from leora.metrics.evaluation import annotate_attributes, build_context, filter_segment
from leora.metrics.formula import Compiler, FType, analyse, parse
from leora.metrics.formula import nodes as n
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


def values(world: World, formula: str, today: date = TODAY) -> dict[str, Any]:
    checked = analyse(formula, kind="segment")
    customers = annotate_attributes(
        Customer.objects.for_tenant(world.acme), checked, build_context(world.acme, today)
    )
    rows = list(customers.values())
    return {
        row["name"]: {k.removeprefix("attr_"): v for k, v in row.items() if k.startswith("attr_")}
        for row in rows
    }


def matching(world: World, formula: str, today: date = TODAY) -> set[str]:
    checked = analyse(formula, kind="segment")
    customers = filter_segment(
        Customer.objects.for_tenant(world.acme), checked, build_context(world.acme, today)
    )
    return set(customers.values_list("name", flat=True))


@pytest.fixture
def buyer(world: World, unscoped: None) -> Customer:
    customer = factories.make_customer(world.acme, world.rep1, name="Buyer")
    product = factories.make_product(world.acme)
    for days_ago in (60, 50, 41, 30, 1):
        factories.make_order(customer, [(product, 2)], order_date=TODAY - timedelta(days=days_ago))
    factories.make_order(customer, [(product, 40)], order_date=TODAY, status="cancelled")
    return customer


def test_the_median_interval_is_the_median_of_the_gaps(world: World, buyer: Customer) -> None:
    # gaps 10, 9, 11, 29 -> median of 9, 10, 11, 29 is 10.5
    row = values(
        world, "median_order_interval_days > 0 and overdue_ratio > 0 and days_until_expected_order > 0"
    )
    assert row["Buyer"]["median_order_interval_days"] == 10.5
    assert row["Buyer"]["overdue_ratio"] == 1 / 10.5
    assert row["Buyer"]["days_until_expected_order"] == 9.5


def test_the_median_uses_only_the_last_twelve_gaps(world: World, unscoped: None) -> None:
    customer = factories.make_customer(world.acme, name="Old")
    # 13 recent orders a week apart, preceded by orders years earlier that must be ignored.
    for week in range(13):
        factories.make_order(customer, order_date=TODAY - timedelta(days=7 * week))
    for year in range(1, 4):
        factories.make_order(customer, order_date=TODAY - timedelta(days=400 * year))
    assert values(world, "median_order_interval_days > 0")["Old"]["median_order_interval_days"] == 7.0


def test_the_median_needs_three_orders(world: World, unscoped: None) -> None:
    customer = factories.make_customer(world.acme, name="Two")
    factories.make_order(customer, order_date=TODAY - timedelta(days=10))
    factories.make_order(customer, order_date=TODAY)
    assert values(world, "median_order_interval_days is null")["Two"]["median_order_interval_days"] is None
    assert matching(world, "median_order_interval_days is null") == {"Two"}


def test_cancelled_orders_count_for_nothing(world: World, buyer: Customer) -> None:
    row = values(world, "order_count > 0 and lifetime_revenue > 0 and days_since_last_order > 0")["Buyer"]
    assert row["order_count"] == 5
    assert row["lifetime_revenue"] == 5 * 25.0
    assert row["days_since_last_order"] == 1


def test_another_tenants_rows_never_count(world: World, buyer: Customer, unscoped: None) -> None:
    other = factories.make_customer(world.other, name="Elsewhere")
    factories.make_order(other, order_date=TODAY)
    assert values(world, "order_count > 0")["Buyer"]["order_count"] == 5
    assert "Elsewhere" not in values(world, "order_count > 0")


def test_balances_and_overdue_balances(world: World, unscoped: None) -> None:
    customer = factories.make_customer(world.acme, name="Owes")
    factories.make_invoice(
        customer, "100", paid="40", issued_on=TODAY - timedelta(days=40), due_on=TODAY - timedelta(days=1)
    )
    factories.make_invoice(
        customer, "50", issued_on=TODAY - timedelta(days=5), due_on=TODAY + timedelta(days=25)
    )
    factories.make_invoice(
        customer, "70", paid="70", issued_on=TODAY - timedelta(days=90), due_on=TODAY - timedelta(days=60)
    )
    row = values(world, "balance_due > 0 and overdue_balance > 0")["Owes"]
    assert row == {"balance_due": 110.0, "overdue_balance": 60.0}


def test_today_is_a_parameter(world: World, buyer: Customer) -> None:
    assert matching(world, "days_since_last_order > 30") == set()
    assert matching(world, "days_since_last_order > 30", today=TODAY + timedelta(days=40)) == {"Buyer"}


def test_the_issue_example_selects_the_right_customers(world: World, unscoped: None) -> None:
    late = factories.make_customer(world.acme, name="Late", account_type="ACTIVE")
    factories.make_order(late, order_date=TODAY - timedelta(days=30))
    factories.make_invoice(late, "900", issued_on=TODAY - timedelta(days=30))
    target = factories.make_customer(world.acme, name="Target", account_type="TARGET")
    factories.make_order(target, order_date=TODAY - timedelta(days=25))
    fresh = factories.make_customer(world.acme, name="Fresh", account_type="TARGET")
    factories.make_order(fresh, order_date=TODAY - timedelta(days=2))
    factories.make_customer(world.acme, name="Never", account_type="TARGET")
    formula = "days_since_last_order > 21 and (balance_due > 500 or account_type = 'TARGET')"
    assert matching(world, formula) == {"Late", "Target"}


def test_comparisons_with_empty_values_are_not_true_and_neither_is_their_negation(
    world: World, unscoped: None
) -> None:
    factories.make_customer(world.acme, name="Never")
    assert matching(world, "days_since_last_order > 5") == set()
    assert matching(world, "not (days_since_last_order > 5)") == set()
    assert matching(world, "coalesce(days_since_last_order, 999) > 5") == {"Never"}


def test_string_literals_are_bound_parameters_not_sql(world: World, unscoped: None) -> None:
    factories.make_customer(world.acme, name="Quote", territory="O'Brien'); DROP TABLE x; --")
    assert matching(world, "territory = 'O\\'Brien\\'); DROP TABLE x; --'") == {"Quote"}


def test_the_customers_age_uses_the_tenants_time_zone(world: World, unscoped: None) -> None:
    # 06:00 UTC on June 1st is still May 31st in Los Angeles (the acme tenant's zone).
    from datetime import UTC, datetime

    factories.make_customer(world.acme, name="Late night", created_at=datetime(2025, 6, 1, 6, 0, tzinfo=UTC))
    assert values(world, "customer_age_days >= 0")["Late night"]["customer_age_days"] == 1


def test_division_by_zero_is_empty(world: World, unscoped: None) -> None:
    factories.make_customer(world.acme, name="Zero")
    assert matching(world, "(lifetime_revenue / order_count) is null") == {"Zero"}


def test_the_compiler_takes_a_calls_type_from_the_checker(world: World) -> None:
    # given a text coalesce, compiled once as the checker typed it and once with its type overridden
    checked = analyse("coalesce(territory, 'none') = 'North'", kind="segment")
    assert isinstance(checked.tree, n.Compare)
    call = checked.tree.left
    compiler = Compiler(build_context(world.acme, TODAY), checked)
    as_checked = compiler.value(call)
    checked.types[call] = FType.NUMBER
    as_overridden = compiler.value(call)
    # when both are resolved in a query, then each has the field its recorded type asks for
    query = Customer.objects.for_tenant(world.acme).annotate(a=as_checked, b=as_overridden).query
    assert isinstance(query.annotations["a"].output_field, CharField)
    assert isinstance(query.annotations["b"].output_field, FloatField)


def test_the_compiler_refuses_a_tree_the_checker_never_saw(world: World) -> None:
    checked = analyse("coalesce(territory, 'none') = 'North'", kind="segment")
    unchecked = parse("coalesce(account_type, 'none') = 'North'")
    assert isinstance(unchecked, n.Compare)
    with pytest.raises(LookupError):
        Compiler(build_context(world.acme, TODAY), checked).value(unchecked.left)
