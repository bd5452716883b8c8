"""customer_enrichment run for real on hand-made order histories: cadence, weekday, preferred
products, RFM quintiles, the health score of the tenant's metric, providers, retries and progress."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from leora.crm.models import Customer, OrderStatus
from leora.enrichment.models import CustomerEnrichment, RfmBreakpoints
from leora.enrichment.providers import enabled_providers
from leora.errors import InvalidInput
from leora.jobs.context import JobContext
from leora.jobs.models import JobStatus
from leora.jobs.processing import process_jobs
from leora.jobs.queue import job_enqueue
from leora.metrics.health import customer_health
from leora.metrics.services import metric_values
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World
from tests.enrichment.conftest import orders_on, result, retry_now, run
from tests.enrichment.providers import FlakyDirectory

pytestmark = pytest.mark.django_db


def enrichment_of(customer: Customer) -> CustomerEnrichment:
    with scopes_disabled():
        return CustomerEnrichment.objects.get(customer=customer)


@pytest.fixture
def weekly(world: World, today: date, setup: None) -> Customer:
    """Four orders: three a week apart on one weekday, the oldest five days before them."""
    customer = factories.make_customer(world.acme, world.rep1, name="Weekly Wines")
    orders_on(customer, [today - timedelta(days=d) for d in (3, 10, 17, 22)])
    return customer


def test_four_orders_give_the_median_interval_expected_order_and_overdue_ratio(
    world: World, weekly: Customer, today: date
) -> None:
    job = run("customer_enrichment", world.acme, customer_ids=[weekly.pk])

    assert job.status == JobStatus.COMPLETED, job.last_error
    stored = enrichment_of(weekly)
    # Gaps 7, 7 and 5 days: the median is 7; the last order was 3 days ago.
    assert stored.median_interval_days == 7
    assert stored.expected_next_order == today + timedelta(days=4)
    assert stored.overdue_ratio == pytest.approx(3 / 7)
    assert stored.as_of == today


def test_the_typical_weekday_is_the_one_most_orders_fall_on(
    world: World, weekly: Customer, today: date
) -> None:
    run("customer_enrichment", world.acme, customer_ids=[weekly.pk])

    stored = enrichment_of(weekly)
    assert stored.typical_order_weekday == (today - timedelta(days=3)).weekday()
    assert stored.weekday_name == (today - timedelta(days=3)).strftime("%A")


def test_a_single_order_gives_no_typical_weekday(world: World, today: date, setup: None) -> None:
    once = factories.make_customer(world.acme, world.rep1)
    orders_on(once, [today - timedelta(days=2)])

    run("customer_enrichment", world.acme, customer_ids=[once.pk])

    assert enrichment_of(once).typical_order_weekday is None


def test_preferred_products_are_the_top_three_by_quantity_of_the_last_twelve_months(
    world: World, today: date, setup: None
) -> None:
    customer = factories.make_customer(world.acme, world.rep1)
    rioja, prosecco, gin, lager = (
        factories.make_product(world.acme, name=name, unit_price=Decimal(price))
        for name, price in (("Rioja", "10"), ("Prosecco", "8"), ("Gin", "30"), ("Lager", "2"))
    )
    factories.make_order(customer, [(rioja, 6), (gin, 2)], order_date=today - timedelta(days=20))
    factories.make_order(customer, [(rioja, 6), (prosecco, 12)], order_date=today - timedelta(days=60))
    factories.make_order(customer, [(gin, 1)], order_date=today - timedelta(days=300))
    # Older than a year, and cancelled: neither counts.
    factories.make_order(customer, [(lager, 500)], order_date=today - timedelta(days=400))
    factories.make_order(
        customer, [(lager, 90)], order_date=today - timedelta(days=5), status=OrderStatus.CANCELLED
    )

    run("customer_enrichment", world.acme, customer_ids=[customer.pk])

    products = enrichment_of(customer).preferred_products
    # Rioja and Prosecco tie on quantity: the one with more revenue comes first.
    assert [(p["name"], p["quantity"], p["revenue"]) for p in products] == [
        ("Rioja", 12, "120.00"),
        ("Prosecco", 12, "96.00"),
        ("Gin", 3, "90.00"),
    ]
    assert products[0]["product_id"] == rioja.pk and products[0]["sku"] == rioja.sku


@pytest.fixture
def small_tenant(world: World, today: date, setup: None) -> dict[str, Customer]:
    """Five buyers whose order counts, revenue and last orders rank them 1 to 5, and a prospect."""
    wine = factories.make_product(world.acme, unit_price=Decimal("10"))
    book = {}
    for rank in range(1, 6):
        customer = factories.make_customer(world.acme, world.rep1, name=f"Rank {rank}")
        # More orders, bigger ones and more recent ones as the rank grows.
        for n in range(rank):
            factories.make_order(
                customer, [(wine, rank)], order_date=today - timedelta(days=60 - 10 * rank + 40 * n)
            )
        book[f"rank{rank}"] = customer
    book["prospect"] = factories.make_customer(world.acme, world.rep1, name="Prospect")
    return book


def test_rfm_scores_are_quintiles_over_the_tenants_customers_with_orders(
    world: World, small_tenant: dict[str, Customer]
) -> None:
    job = run("customer_enrichment", world.acme)

    assert job.status == JobStatus.COMPLETED, job.last_error
    assert result(job)["customers"] == 6 and result(job)["rfm_customers"] == 5
    scores = {
        name: (e.recency_score, e.frequency_score, e.monetary_score, e.rfm_segment)
        for name, e in ((n, enrichment_of(c)) for n, c in small_tenant.items())
    }
    assert scores == {
        "rank1": (1, 1, 1, "Hibernating"),
        "rank2": (2, 2, 2, "Hibernating"),
        "rank3": (3, 3, 3, "Loyal"),
        "rank4": (4, 4, 4, "Champions"),
        "rank5": (5, 5, 5, "Champions"),
        "prospect": (None, None, None, ""),
    }


def test_a_tenant_run_stores_the_breakpoints_a_one_customer_run_scores_against(
    world: World, small_tenant: dict[str, Customer], today: date
) -> None:
    run("customer_enrichment", world.acme)
    with scopes_disabled():
        stored = RfmBreakpoints.objects.get(tenant=world.acme)
    # The prospect's first two orders, big ones, today: the most recent, frequency like rank 2.
    wine = factories.make_product(world.acme, unit_price=Decimal("100"))
    with scopes_disabled():
        orders_on(small_tenant["prospect"], [today, today - timedelta(days=1)], lines=[(wine, 10)])

    run("customer_enrichment", world.acme, customer_ids=[small_tenant["prospect"].pk])

    scored = enrichment_of(small_tenant["prospect"])
    assert (scored.recency_score, scored.frequency_score, scored.monetary_score) == (5, 2, 5)
    assert scored.rfm_segment == "Champions"
    with scopes_disabled():
        # Scored against the stored distribution, which only the tenant-wide run rewrites.
        assert RfmBreakpoints.objects.get(tenant=world.acme).computed_at == stored.computed_at
    assert enrichment_of(small_tenant["rank5"]).rfm_segment == "Champions"


def test_the_health_score_is_the_tenants_health_score_metric_with_its_reasons(
    world: World, weekly: Customer, today: date
) -> None:
    lapsed = factories.make_customer(world.acme, world.rep1)
    with scopes_disabled():
        orders_on(lapsed, [today - timedelta(days=d) for d in (40, 50, 60, 70)])
        factories.make_invoice(lapsed, amount="800.00", issued_on=today - timedelta(days=60))

    run("customer_enrichment", world.acme)

    admin = factories.actor(world.acme, world.admin)
    scored: Any = metric_values(world.acme, "health_score", admin, today=today)
    values = dict(scored.values_list("pk", "metric_value"))
    for customer in (weekly, lapsed):
        stored = enrichment_of(customer)
        assert stored.health_score == values[customer.pk]
        explained = customer_health(actor=admin, customer=customer, today=today)
        assert [r["label"] for r in stored.health_reasons] == [r.label for r in explained.reasons]
        assert [r["points"] for r in stored.health_reasons] == [r.points for r in explained.reasons]
    assert any(r["costs_points"] for r in enrichment_of(lapsed).health_reasons)


def test_ids_of_another_tenants_customers_are_skipped(world: World, weekly: Customer, setup: None) -> None:
    theirs = factories.make_customer(world.other, world.other_rep)

    job = run("customer_enrichment", world.acme, customer_ids=[theirs.pk])

    assert job.status == JobStatus.COMPLETED and result(job)["customers"] == 0
    assert not CustomerEnrichment.objects.filter(customer=theirs).exists()


def test_a_tenant_run_writes_only_its_own_customers(world: World, weekly: Customer, setup: None) -> None:
    theirs = factories.make_customer(world.other, world.other_rep)
    factories.make_order(theirs)

    run("customer_enrichment", world.acme)

    assert set(CustomerEnrichment.objects.values_list("tenant_id", flat=True)) == {world.acme.pk}
    assert not RfmBreakpoints.objects.filter(tenant=world.other).exists()


def test_progress_is_reported_after_each_batch(
    world: World, small_tenant: dict[str, Customer], settings: Any, monkeypatch: Any
) -> None:
    settings.ENRICHMENT_BATCH_SIZE = 4
    reported: list[tuple[float, str]] = []
    real = JobContext.progress

    def spy(self: JobContext, percent: float, message: str = "") -> None:
        reported.append((percent, message))
        real(self, percent, message)

    monkeypatch.setattr(JobContext, "progress", spy)

    job = run("customer_enrichment", world.acme)

    assert reported == [(pytest.approx(100 * 4 / 6), "4 of 6 customers"), (100, "6 of 6 customers")]
    assert (job.progress, job.progress_message) == (100, "6 of 6 customers")


def test_no_outside_provider_is_enabled_by_default() -> None:
    assert enabled_providers() == []


def test_an_enabled_providers_answer_is_stored_under_its_name(
    world: World, weekly: Customer, settings: Any
) -> None:
    settings.ENRICHMENT_PROVIDERS = ["tests.enrichment.providers.LicenceRegister"]

    run("customer_enrichment", world.acme, customer_ids=[weekly.pk])

    assert enrichment_of(weekly).external == {
        "licence_register": {"licence_status": "valid", "account": weekly.account_number}
    }


def test_a_setting_naming_something_that_is_not_a_provider_is_refused(settings: Any) -> None:
    settings.ENRICHMENT_PROVIDERS = ["tests.enrichment.providers.NotAProvider"]

    with pytest.raises(ImproperlyConfigured, match="not an enrichment provider"):
        enabled_providers()


def test_a_transient_failure_is_retried_and_the_next_attempt_completes(
    world: World, weekly: Customer, settings: Any
) -> None:
    settings.ENRICHMENT_PROVIDERS = ["tests.enrichment.providers.FlakyDirectory"]
    FlakyDirectory.calls.clear()

    job = run("customer_enrichment", world.acme, customer_ids=[weekly.pk])

    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert "directory timed out" in job.last_error
    assert not CustomerEnrichment.objects.filter(customer=weekly).exists()
    retry_now(job)
    process_jobs(max_jobs=5, types=["customer_enrichment"])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.COMPLETED, 2)
    assert enrichment_of(weekly).external == {"directory": {"listed": True}}


def test_an_empty_list_of_customers_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        job_enqueue(job_type="customer_enrichment", tenant=world.acme, payload={"customer_ids": []})

    assert refused.value.errors[0].field == "payload.customer_ids"


def test_a_second_run_updates_the_same_row(world: World, weekly: Customer, today: date) -> None:
    run("customer_enrichment", world.acme, customer_ids=[weekly.pk])
    with scopes_disabled():
        orders_on(weekly, [today])

    run("customer_enrichment", world.acme, customer_ids=[weekly.pk])

    with scopes_disabled():
        assert CustomerEnrichment.objects.filter(customer=weekly).count() == 1
    # Gaps 3, 7, 7 and 5 days now: the median is 6.
    assert enrichment_of(weekly).expected_next_order == today + timedelta(days=6)
