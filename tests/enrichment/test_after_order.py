"""A new order enqueues its customer's enrichment once its transaction commits: one pending job per
customer however many orders arrive, none for a rolled-back order."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from leora.crm.models import Customer
from leora.crm.services.orders import LineRequest, order_create
from leora.enrichment.models import CustomerEnrichment
from leora.jobs.models import Job, JobStatus
from leora.jobs.processing import process_jobs
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(world: World, setup: None) -> Customer:
    return factories.make_customer(world.acme, world.rep1, name="Harbour Wines")


def order(world: World, customer: Customer) -> None:
    wine = factories.make_product(world.acme)
    rep = factories.actor(world.acme, world.rep1)
    order_create(actor=rep, customer_id=customer.pk, lines=[LineRequest(product_id=wine.pk, quantity=3)])


def enrichment_jobs() -> list[Job]:
    return list(Job.objects.filter(type="customer_enrichment").order_by("created_at"))


def test_a_burst_of_orders_for_one_customer_enqueues_one_job(
    world: World, customer: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            order(world, customer)

    [job] = enrichment_jobs()
    assert (job.tenant_id, job.status, job.idempotency_key) == (
        world.acme.pk,
        JobStatus.PENDING,
        f"customer:{customer.pk}",
    )
    assert job.payload["customer_ids"] == [customer.pk]


def test_orders_of_two_customers_enqueue_a_job_each(
    world: World, customer: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    second = factories.make_customer(world.acme, world.rep1)
    with django_capture_on_commit_callbacks(execute=True):
        order(world, customer)
        order(world, second)

    assert sorted(job.payload["customer_ids"][0] for job in enrichment_jobs()) == sorted(
        [customer.pk, second.pk]
    )


def test_an_order_rolled_back_enqueues_nothing(
    world: World, customer: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        order(world, customer)
        raise RuntimeError("the request failed after saving the order")

    assert enrichment_jobs() == []


def test_the_job_an_order_enqueued_stores_that_customers_enrichment(
    world: World, customer: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order(world, customer)

    process_jobs(max_jobs=5, types=["customer_enrichment"])

    with scopes_disabled():
        stored = CustomerEnrichment.objects.get(customer=customer)
    assert stored.preferred_products[0]["quantity"] == 3
    assert enrichment_jobs()[0].status == JobStatus.COMPLETED
