"""Customer facts are kept current in the transaction of every write that changes them, and rebuilt by the
job, the command and the seeder. Attribute by attribute agreement with the raw rows is proven by
tests/metrics/test_property.py; these check when and where the facts change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from leora.crm import facts
from leora.crm.models import Customer, CustomerFacts, Order
from leora.crm.services.activities import activity_create, activity_delete
from leora.crm.services.customers import customer_create, customer_delete
from leora.crm.services.invoices import invoice_payment_record
from leora.crm.services.orders import LineRequest, order_create, order_update
from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import job_claim, job_enqueue
from leora.jobs.runner import run_job
from leora.tenancy.calendar import tenant_today
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _facts(customer: Customer) -> CustomerFacts:
    return CustomerFacts.objects.for_tenant(customer.tenant).get(customer=customer)


@pytest.fixture
def customer(world: World) -> Customer:
    return factories.make_customer(world.acme, world.rep1)


@pytest.fixture
def wine(world: World) -> Any:
    return factories.make_product(world.acme, unit_price=Decimal("10.00"))


def _order(world: World, customer: Customer, wine: Any, days_ago: int, quantity: int = 1) -> Order:
    admin = factories.actor(world.acme, world.admin)
    day = tenant_today(world.acme) - timedelta(days=days_ago)
    return order_create(
        actor=admin, customer_id=customer.pk, order_date=day,
        lines=[LineRequest(product_id=wine.pk, quantity=quantity)],
    )  # fmt: skip


def test_a_new_customer_starts_with_empty_facts(world: World) -> None:
    created = customer_create(actor=factories.actor(world.acme, world.admin), name="Fresh Bistro")
    row = _facts(created)
    assert (row.order_count, row.last_order_date, row.median_order_interval_days) == (0, None, None)
    assert row.windows_as_of == tenant_today(world.acme)


def test_an_order_updates_its_customers_facts_in_the_same_transaction(
    world: World, customer: Customer, wine: Any
) -> None:
    for days_ago in (21, 14, 7):
        _order(world, customer, wine, days_ago, quantity=2)
    row = _facts(customer)
    today = tenant_today(world.acme)
    assert row.order_count == 3 and row.lifetime_revenue == Decimal("60.00")
    assert (row.first_order_date, row.last_order_date) == (
        today - timedelta(days=21),
        today - timedelta(days=7),
    )
    assert row.median_order_interval_days == 7.0
    assert (row.revenue_last_30_days, row.distinct_products_last_90_days) == (Decimal("60.00"), 1)


def test_an_order_write_refreshes_its_customers_facts_once(
    world: World, customer: Customer, wine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    refreshed: list[set[int]] = []
    real = facts.facts_refresh

    def counting(**kwargs: Any) -> int:
        refreshed.append(set(kwargs["customer_ids"]))
        return real(**kwargs)

    monkeypatch.setattr(facts, "facts_refresh", counting)
    _order(world, customer, wine, 3)
    assert refreshed == [{customer.pk}]


def test_a_rolled_back_order_leaves_the_facts_as_they_were(
    world: World, customer: Customer, wine: Any
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _order(world, customer, wine, 3)
        assert _facts(customer).order_count == 1
        raise RuntimeError("the caller fails after the order")
    assert _facts(customer).order_count == 0


def test_cancelling_an_order_takes_it_out_of_the_facts(world: World, customer: Customer, wine: Any) -> None:
    order = _order(world, customer, wine, 3)
    order_update(actor=factories.actor(world.acme, world.admin), order=order, changes={"status": "cancelled"})
    row = _facts(customer)
    assert (row.order_count, row.last_order_date, row.revenue_last_30_days) == (0, None, Decimal("0.00"))


def test_replacing_an_orders_lines_recounts_the_products(world: World, customer: Customer, wine: Any) -> None:
    order = _order(world, customer, wine, 3)
    gin, rum = (factories.make_product(world.acme) for _ in range(2))
    lines = [LineRequest(product_id=gin.pk, quantity=1), LineRequest(product_id=rum.pk, quantity=1)]
    order_update(actor=factories.actor(world.acme, world.admin), order=order, changes={"lines": lines})
    assert _facts(customer).distinct_products_last_90_days == 2


def test_a_payment_refreshes_the_balances(world: World, customer: Customer) -> None:
    # The payment is a conditional bulk update: book_changed names the customer.
    today = tenant_today(world.acme)
    invoice = factories.make_invoice(
        customer, "100.00", issued_on=today - timedelta(days=40), due_on=today - timedelta(days=10)
    )
    assert (_facts(customer).balance_due, _facts(customer).overdue_balance) == (
        Decimal("100.00"),
        Decimal("100.00"),
    )
    invoice_payment_record(
        actor=factories.actor(world.acme, world.admin), invoice=invoice, amount=Decimal("60.00")
    )
    row = _facts(customer)
    assert (row.balance_due, row.overdue_balance) == (Decimal("40.00"), Decimal("40.00"))
    assert row.overdue_last_due_on == today - timedelta(days=10)


def test_activities_move_the_last_activity(world: World, customer: Customer) -> None:
    rep = factories.actor(world.acme, world.rep1)
    earlier = activity_create(
        actor=rep, customer_id=customer.pk, kind="call", occurred_at=datetime(2026, 1, 5, 9, tzinfo=UTC)
    )
    later = activity_create(
        actor=rep, customer_id=customer.pk, kind="visit", occurred_at=datetime(2026, 1, 9, 9, tzinfo=UTC)
    )
    assert _facts(customer).last_activity_at == later.occurred_at
    activity_delete(actor=rep, activity=later)
    assert _facts(customer).last_activity_at == earlier.occurred_at


def test_deleting_a_customer_with_activities_deletes_its_facts(world: World, customer: Customer) -> None:
    factories.make_activity(customer)
    customer_delete(actor=factories.actor(world.acme, world.admin), customer=customer)
    assert not CustomerFacts.objects.for_tenant(world.acme).filter(customer_id=customer.pk).exists()


def test_a_rebuild_repairs_facts_written_around_the_rules(
    world: World, customer: Customer, wine: Any
) -> None:
    _order(world, customer, wine, 3)
    CustomerFacts.objects.for_tenant(world.acme).filter(customer=customer).update(order_count=99)
    seen: list[tuple[int, int]] = []
    assert (
        facts.facts_rebuild(tenant=world.acme, progress=lambda done, total: seen.append((done, total))) == 1
    )
    assert _facts(customer).order_count == 1
    assert seen == [(1, 1)]


def test_a_rebuild_of_one_tenant_leaves_the_other_alone(
    world: World, customer: Customer, unscoped: None
) -> None:
    foreign = factories.make_customer(world.other)
    CustomerFacts.objects.for_tenant(world.other).filter(customer=foreign).update(order_count=7)
    facts.facts_rebuild(tenant=world.acme)
    assert CustomerFacts.objects.for_tenant(world.other).get(customer=foreign).order_count == 7


def test_a_rebuild_writes_windows_of_the_day_asked_for(world: World, customer: Customer) -> None:
    facts.facts_rebuild(tenant=world.acme, as_of=date(2025, 3, 14))
    assert _facts(customer).windows_as_of == date(2025, 3, 14)


def test_the_rebuild_job_rebuilds_the_tenant_and_reports_progress(world: World, customer: Customer) -> None:
    CustomerFacts.objects.for_tenant(world.acme).filter(customer=customer).update(order_count=5)
    job = job_enqueue(job_type="customer_facts_rebuild", payload={}, tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    run_job(claimed, worker_id="w1")
    job = Job.objects.get(pk=job.pk)
    assert (job.status, job.progress, job.result) == (JobStatus.COMPLETED, 100, {"customers": 1})
    assert _facts(customer).order_count == 0


def test_the_rebuild_runs_nightly_for_every_tenant() -> None:
    entries = [
        e for e in settings.JOB_SCHEDULE if cast(dict[str, Any], e)["type"] == "customer_facts_rebuild"
    ]
    assert entries == [
        {"name": "customer_facts", "cron": "5 0 * * *", "type": "customer_facts_rebuild", "per_tenant": True}
    ]


def test_the_command_rebuilds_one_tenant(world: World, customer: Customer) -> None:
    CustomerFacts.objects.for_tenant(world.acme).filter(customer=customer).update(order_count=3)
    out = StringIO()
    call_command("rebuild_facts", tenant="acme", stdout=out, stderr=StringIO())
    assert "Rebuilt facts of 1 customers of acme" in out.getvalue()
    assert _facts(customer).order_count == 0


def test_the_command_refuses_an_unknown_tenant(world: World) -> None:
    with pytest.raises(CommandError, match="no tenant with slug 'nowhere'"):
        call_command("rebuild_facts", tenant="nowhere", stdout=StringIO(), stderr=StringIO())


def test_stale_count_names_customers_whose_windows_are_of_another_day(
    world: World, customer: Customer
) -> None:
    assert facts.facts_stale_count(tenant=world.acme) == 0
    later = tenant_today(world.acme, timezone.now() + timedelta(days=1))
    assert facts.facts_stale_count(tenant=world.acme, as_of=later) == 1
