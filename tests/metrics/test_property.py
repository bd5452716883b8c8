"""Random well-typed formulas give the same customers in SQL as in the plain-Python reference."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leora.crm.models import Customer
from leora.metrics.evaluation import annotate_attributes, build_context, filter_segment, value_of
from leora.metrics.formula import analyse
from tests.metrics import dataset
from tests.metrics.reference import Reference

pytestmark = pytest.mark.django_db

NUMBERS = [
    "order_count", "orders_last_90_days", "lifetime_revenue", "revenue_last_30_days", "revenue_last_90_days",
    "revenue_prior_90_days", "revenue_same_90_days_last_year", "average_order_value", "overdue_ratio",
    "balance_due", "overdue_balance", "distinct_products_last_90_days", "distinct_products_prior_90_days",
]  # fmt: skip
DURATIONS = [
    "days_since_last_order", "median_order_interval_days", "days_until_expected_order",
    "days_since_last_activity", "customer_age_days",
]  # fmt: skip

# Literals are whole numbers or halves: exact in binary floating point, so boundaries are real ties.
literal = st.integers(min_value=0, max_value=120).map(lambda v: str(v / 2).removesuffix(".0"))


def numbers(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(st.sampled_from(NUMBERS), literal)
    if depth <= 0:
        return leaf
    sub = numbers(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-", "*"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(sub, st.sampled_from(["2", "4", "0.5"])).map(lambda t: f"({t[0]} / {t[1]})"),
        sub.map(lambda s: f"abs({s} - 100)"),
        st.tuples(sub, literal).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
        st.tuples(st.sampled_from(["min", "max"]), sub, sub).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(sub, st.sampled_from(["", ", 1"])).map(lambda t: f"round({t[0]}{t[1]})"),
        st.sampled_from(DURATIONS).map(lambda d: f"({d} / median_order_interval_days)"),
    )


def durations(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from(DURATIONS),
        st.tuples(st.integers(0, 60), st.sampled_from(["days", "weeks"])).map(lambda t: f"{t[0]} {t[1]}"),
    )
    if depth <= 0:
        return leaf
    sub = durations(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(sub, st.sampled_from(["2", "0.5"])).map(lambda t: f"({t[0]} * {t[1]})"),
        st.tuples(st.sampled_from(["min", "max"]), sub, sub).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        st.tuples(sub, st.integers(0, 30)).map(lambda t: f"coalesce({t[0]}, {t[1]})"),
    )


dates = st.one_of(
    st.just("expected_next_order_date"),
    st.just("today"),
    st.integers(0, 60).map(lambda d: f"today - {d} days"),
    st.integers(0, 30).map(lambda d: f"expected_next_order_date + {d}"),
)
ops = st.sampled_from(["=", "!=", "<", "<=", ">", ">="])


def comparisons() -> st.SearchStrategy[str]:
    texts = st.one_of(
        st.tuples(st.sampled_from(["=", "!="]), st.sampled_from(["'PROSPECT'", "'TARGET'", "'ACTIVE'"])).map(
            lambda t: f"account_type {t[0]} {t[1]}"
        ),
        st.lists(st.sampled_from(["'active'", "'on_hold'", "'closed'"]), min_size=1, max_size=3).map(
            lambda items: f"status in [{', '.join(items)}]"
        ),
        st.sampled_from(["territory = 'North'", "territory not in ['South', '']",
                         "assigned_rep = 'rep1@acme.test'", "assigned_rep is null"]),
    )  # fmt: skip
    return st.one_of(
        st.tuples(numbers(2), ops, numbers(1)).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(durations(2), ops, durations(1)).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(dates, ops, dates).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(numbers(1), st.sampled_from(["", "not "]), literal, literal).map(
            lambda t: f"{t[0]} {t[1]}between {t[2]} and {t[3]}"
        ),
        st.tuples(st.sampled_from(NUMBERS + DURATIONS), st.sampled_from(["is null", "is not null"])).map(
            " ".join
        ),
        st.tuples(numbers(0), st.lists(literal, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]} in [{', '.join(t[1])}]"
        ),
        texts,
        st.sampled_from(["is_new_customer", "is_new_customer = false", "true", "false"]),
    )


def conditions(depth: int) -> st.SearchStrategy[str]:
    if depth <= 0:
        return comparisons()
    sub = conditions(depth - 1)
    return st.one_of(
        comparisons(),
        st.tuples(sub, st.sampled_from(["and", "or"]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda s: f"not ({s})"),
    )


def test_reference_and_sql_agree_on_every_attribute(tenant_data: Any) -> None:
    tenant, values = tenant_data
    ctx = build_context(tenant, dataset.TODAY)
    names = [*NUMBERS, *DURATIONS, "expected_next_order_date", "account_type", "status", "territory",
             "assigned_rep", "is_new_customer"]  # fmt: skip
    tests = [f"{n} = true" if n == "is_new_customer" else f"{n} is null" for n in names]
    checked = analyse(" and ".join(tests), kind="segment")
    customers: Any = annotate_attributes(Customer.objects.for_tenant(tenant), checked, ctx)
    for row in customers.values():
        expected = values[row["id"]]
        assert {name: row[f"attr_{name}"] for name in names} == {name: expected[name] for name in names}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formula=conditions(2))
def test_random_segments_match_the_reference(tenant_data: Any, formula: str) -> None:
    tenant, values = tenant_data
    checked = analyse(formula, kind="segment")
    ctx = build_context(tenant, dataset.TODAY)
    in_sql = set(
        filter_segment(Customer.objects.for_tenant(tenant), checked, ctx).values_list("pk", flat=True)
    )
    in_python = {pk for pk, v in values.items() if Reference(v, dataset.TODAY, {}).eval(checked.tree) is True}
    assert in_sql == in_python


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formula=st.one_of(numbers(2), durations(2)))
def test_random_values_match_the_reference(tenant_data: Any, formula: str) -> None:
    tenant, values = tenant_data
    checked = analyse(formula, kind="value")
    ctx = build_context(tenant, dataset.TODAY)
    rows = Customer.objects.for_tenant(tenant).annotate(v=value_of(checked, ctx)).values_list("pk", "v")
    for pk, value in rows:
        assert value == Reference(values[pk], dataset.TODAY, {}).eval(checked.tree), pk
