"""Random well-typed formulas give the same customers in SQL as in the plain-Python reference, both
over the customer facts table and over the raw orders, lines, invoices and activities, including after
edits, cancellations and deletions made through the services and the ORM."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leora.crm import facts as crm_facts
from leora.crm.models import Activity, Customer, CustomerFacts, Invoice, Order, OrderLine, Product
from leora.crm.services.activities import activity_delete, activity_update
from leora.crm.services.invoices import invoice_delete, invoice_payment_record, invoice_update
from leora.crm.services.orders import LineRequest, order_create, order_update
from leora.metrics.defaults import TEMPLATES
from leora.metrics.evaluation import annotate_attributes, build_context, filter_segment, value_of
from leora.metrics.formula import analyse
from leora.metrics.formula.catalog import BuildContext
from leora.tenancy.models import Tenant
from tests import factories
from tests.conftest import World
from tests.metrics import dataset
from tests.metrics.reference import Reference, attributes, load_facts

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


ALL_ATTRIBUTES = [*NUMBERS, *DURATIONS, "expected_next_order_date", "account_type", "status", "territory",
                  "assigned_rep", "is_new_customer"]  # fmt: skip
Values = dict[int, dict[str, Any]]


@pytest.fixture
def on_dataset_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes keep facts current as of the dataset's day, so the stored windows are the ones read."""
    monkeypatch.setattr(crm_facts, "tenant_today", lambda tenant, now=None: dataset.TODAY)


@pytest.fixture
def facts_data(tenant_data: tuple[Tenant, Values], on_dataset_day: None) -> tuple[Tenant, Values]:
    """The dataset tenant with its facts rebuilt as of ``dataset.TODAY`` (plus the reference values)."""
    tenant, values = tenant_data
    crm_facts.facts_rebuild(tenant=tenant, as_of=dataset.TODAY)
    return tenant, values


def _reference_values(tenant: Tenant) -> Values:
    return {pk: attributes(f, dataset.TODAY, tenant.tzinfo) for pk, f in load_facts(tenant).items()}


def _edit_history(world: World, tenant: Tenant, seed: int) -> None:
    """Edit, cancel and delete orders, lines, invoices and activities, through the services (which
    defer and bulk-write) and through plain ORM writes (model signals), in random order."""
    rng = random.Random(seed)
    admin = factories.actor(tenant, world.admin)
    products = list(Product.objects.for_tenant(tenant).order_by("pk"))
    customers = list(Customer.objects.for_tenant(tenant).order_by("pk"))
    for step in range(60):
        orders = list(Order.objects.for_tenant(tenant).exclude(status="cancelled").order_by("pk"))
        invoices = list(Invoice.objects.for_tenant(tenant).order_by("pk"))
        activities = list(Activity.objects.for_tenant(tenant).order_by("pk"))
        action = step % 12
        if action == 0:
            day = dataset.TODAY - timedelta(days=rng.randint(0, 200))
            lines = [
                LineRequest(product_id=p.pk, quantity=rng.randint(1, 3)) for p in rng.sample(products, 2)
            ]
            order_create(actor=admin, customer_id=rng.choice(customers).pk, order_date=day, lines=lines)
        elif action == 1 and orders:
            order_update(actor=admin, order=rng.choice(orders), changes={"status": "cancelled"})
        elif action == 2 and orders:
            new_day = dataset.TODAY - timedelta(days=rng.randint(0, 460))
            order_update(actor=admin, order=rng.choice(orders), changes={"order_date": new_day})
        elif action == 3 and orders:
            editable = [o for o in orders if o.status != "fulfilled"]
            if editable:
                lines = [
                    LineRequest(product_id=p.pk, quantity=1) for p in rng.sample(products, rng.randint(1, 4))
                ]
                order_update(actor=admin, order=rng.choice(editable), changes={"lines": lines})
        elif action == 4 and orders:
            order = rng.choice(orders)
            order.delete()  # cascades to its lines; its invoices keep no order
        elif action == 5:
            saved_lines = list(OrderLine.objects.for_tenant(tenant).order_by("pk"))
            if saved_lines:
                rng.choice(saved_lines).delete()
        elif action == 6 and orders:
            order = rng.choice(orders)
            order.total = Decimal(rng.randint(0, 900)) / 2
            order.save()
        elif action == 7 and invoices:
            open_ones = [i for i in invoices if i.amount > i.paid_amount]
            if open_ones:
                invoice = rng.choice(open_ones)
                invoice_payment_record(
                    actor=admin, invoice=invoice, amount=(invoice.amount - invoice.paid_amount) / 2
                )
        elif action == 8 and invoices:
            invoice = rng.choice(invoices)
            invoice_update(
                actor=admin,
                invoice=invoice,
                changes={"due_on": invoice.issued_on + timedelta(days=rng.choice([0, 40, 200]))},
            )
        elif action == 9 and invoices:
            unpaid = [i for i in invoices if i.paid_amount == 0]
            if unpaid:
                invoice_delete(actor=admin, invoice=rng.choice(unpaid))
        elif action == 10 and activities:
            activity = rng.choice(activities)
            if rng.random() < 0.5:
                activity_delete(actor=admin, activity=activity)
            else:
                moved = datetime.combine(dataset.TODAY, datetime.min.time(), tzinfo=UTC) - timedelta(
                    hours=rng.randint(1, 2000)
                )
                activity_update(actor=admin, activity=activity, changes={"occurred_at": moved})
        elif action == 11:
            issued = dataset.TODAY - timedelta(days=rng.randint(30, 60))
            due = issued + timedelta(days=rng.randint(0, 90))
            factories.make_invoice(rng.choice(customers), "80.00", issued_on=issued, due_on=due)
            factories.make_activity(
                rng.choice(customers), occurred_at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC)
            )


@pytest.fixture
def edited_data(world: World, facts_data: tuple[Tenant, Values]) -> tuple[Tenant, Values]:
    """The facts dataset after 60 edits, cancellations and deletions kept current on write (no rebuild)."""
    tenant, _ = facts_data
    _edit_history(world, tenant, seed=11)
    return tenant, _reference_values(tenant)


def _attribute_rows(tenant: Tenant, ctx: BuildContext) -> Values:
    tests = [f"{n} = true" if n == "is_new_customer" else f"{n} is null" for n in ALL_ATTRIBUTES]
    checked = analyse(" and ".join(tests), kind="segment")
    customers: Any = annotate_attributes(Customer.objects.for_tenant(tenant), checked, ctx)
    return {row["id"]: {n: row[f"attr_{n}"] for n in ALL_ATTRIBUTES} for row in customers.values()}


def _contexts(tenant: Tenant, day: Any = dataset.TODAY) -> Iterator[BuildContext]:
    yield build_context(tenant, day, use_facts=True)
    yield build_context(tenant, day, use_facts=False)


def test_reference_and_sql_agree_on_every_attribute(tenant_data: Any) -> None:
    tenant, values = tenant_data
    for ctx in _contexts(tenant):
        rows = _attribute_rows(tenant, ctx)
        assert rows == {pk: {n: values[pk][n] for n in ALL_ATTRIBUTES} for pk in rows}, ctx.use_facts


def test_facts_give_every_attribute_of_the_raw_rows_on_their_day(facts_data: Any) -> None:
    tenant, values = facts_data
    assert CustomerFacts.objects.for_tenant(tenant).filter(windows_as_of=dataset.TODAY).count() == len(values)
    over_facts = _attribute_rows(tenant, build_context(tenant, dataset.TODAY, use_facts=True))
    assert over_facts == _attribute_rows(tenant, build_context(tenant, dataset.TODAY, use_facts=False))
    assert over_facts == {pk: {n: values[pk][n] for n in ALL_ATTRIBUTES} for pk in over_facts}


@pytest.mark.parametrize("days_later", [-40, -1, 1, 16, 31, 200])
def test_facts_of_another_day_fall_back_to_the_raw_rows_exactly(facts_data: Any, days_later: int) -> None:
    tenant, _ = facts_data
    day = dataset.TODAY + timedelta(days=days_later)
    facts, raw = (_attribute_rows(tenant, ctx) for ctx in _contexts(tenant, day))
    assert facts == raw


def test_facts_follow_edits_cancellations_and_deletions(edited_data: Any) -> None:
    tenant, values = edited_data
    for ctx in _contexts(tenant):
        rows = _attribute_rows(tenant, ctx)
        assert rows == {pk: {n: values[pk][n] for n in ALL_ATTRIBUTES} for pk in rows}, ctx.use_facts
    refreshed = {f.customer_id: f for f in CustomerFacts.objects.for_tenant(tenant)}
    assert set(refreshed) == set(values)
    assert {f.windows_as_of for f in refreshed.values()} == {dataset.TODAY}


def test_customers_without_facts_rows_read_the_raw_rows(facts_data: Any) -> None:
    tenant, values = facts_data
    CustomerFacts.objects.for_tenant(tenant).filter(customer_id__in=list(values)[::2]).delete()
    rows = _attribute_rows(tenant, build_context(tenant, dataset.TODAY, use_facts=True))
    assert rows == {pk: {n: values[pk][n] for n in ALL_ATTRIBUTES} for pk in rows}


def test_every_template_metric_is_the_same_over_facts_and_raw_rows_after_edits(edited_data: Any) -> None:
    tenant, values = edited_data
    for template in TEMPLATES:
        checked = analyse(template.formula, kind=template.kind)
        expected = {pk: Reference(v, dataset.TODAY, {}).eval(checked.tree) for pk, v in values.items()}
        for ctx in _contexts(tenant):
            customers = Customer.objects.for_tenant(tenant)
            if template.kind == "segment":
                found = set(filter_segment(customers, checked, ctx).values_list("pk", flat=True))
                assert found == {pk for pk, v in expected.items() if v is True}, (
                    template.code,
                    ctx.use_facts,
                )
            else:
                found_values = dict(customers.annotate(v=value_of(checked, ctx)).values_list("pk", "v"))
                assert found_values == expected, (template.code, ctx.use_facts)


def _segment_sets(tenant: Tenant, formula: str) -> tuple[set[int], set[int]]:
    checked = analyse(formula, kind="segment")
    facts, raw = (
        set(filter_segment(Customer.objects.for_tenant(tenant), checked, ctx).values_list("pk", flat=True))
        for ctx in _contexts(tenant)
    )
    return facts, raw


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formula=conditions(2))
def test_random_segments_match_the_reference(facts_data: Any, formula: str) -> None:
    tenant, values = facts_data
    checked = analyse(formula, kind="segment")
    in_python = {pk for pk, v in values.items() if Reference(v, dataset.TODAY, {}).eval(checked.tree) is True}
    over_facts, over_raw = _segment_sets(tenant, formula)
    assert over_facts == in_python
    assert over_raw == in_python


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formula=conditions(2))
def test_random_segments_match_the_reference_after_edits(edited_data: Any, formula: str) -> None:
    tenant, values = edited_data
    checked = analyse(formula, kind="segment")
    in_python = {pk for pk, v in values.items() if Reference(v, dataset.TODAY, {}).eval(checked.tree) is True}
    over_facts, over_raw = _segment_sets(tenant, formula)
    assert over_facts == in_python
    assert over_raw == in_python


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(formula=st.one_of(numbers(2), durations(2)))
def test_random_values_match_the_reference(facts_data: Any, formula: str) -> None:
    tenant, values = facts_data
    checked = analyse(formula, kind="value")
    for ctx in _contexts(tenant):
        rows = Customer.objects.for_tenant(tenant).annotate(v=value_of(checked, ctx)).values_list("pk", "v")
        for pk, value in rows:
            assert value == Reference(values[pk], dataset.TODAY, {}).eval(checked.tree), (pk, ctx.use_facts)
