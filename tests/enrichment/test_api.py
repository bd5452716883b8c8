"""The enrichment API: a customer's stored enrichment scoped by who may see the customer, the RFM
segment counts, and the admins' Run now."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from leora.crm.models import Customer
from leora.jobs.models import Job
from leora.tenancy.models import AuditEvent
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World
from tests.enrichment.conftest import orders_on, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def enriched(world: World, today: date, setup: None) -> dict[str, Customer]:
    mine = factories.make_customer(world.acme, world.rep1, name="Rep one's bar")
    orders_on(mine, [today - timedelta(days=d) for d in (2, 9, 16)])
    theirs = factories.make_customer(world.acme, world.rep2, name="Rep two's shop")
    orders_on(theirs, [today - timedelta(days=40)])
    factories.make_customer(world.acme, world.rep1, name="Prospect")
    other = factories.make_customer(world.other, world.other_rep, name="Other tenant's bar")
    orders_on(other, [today])
    run("customer_enrichment", world.acme)
    run("customer_enrichment", world.other)
    return {"mine": mine, "theirs": theirs, "other": other}


def test_a_rep_reads_the_enrichment_of_their_own_customer(
    world: World, enriched: dict[str, Customer], api_as: Any, today: date
) -> None:
    response = api_as(world.rep1).get(f"/api/enrichment/customers/{enriched['mine'].pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["customer_id"] == enriched["mine"].pk
    assert body["median_interval_days"] == 7
    assert body["expected_next_order"] == (today + timedelta(days=5)).isoformat()
    assert body["typical_order_weekday"] == (today - timedelta(days=2)).weekday()
    assert body["typical_order_weekday_name"] == (today - timedelta(days=2)).strftime("%A")
    assert body["rfm_segment"] and body["recency_score"] in range(1, 6)
    assert isinstance(body["health_score"], float) and body["health_reasons"]


def test_another_reps_customer_is_not_found(world: World, enriched: dict[str, Customer], api_as: Any) -> None:
    assert api_as(world.rep1).get(f"/api/enrichment/customers/{enriched['theirs'].pk}").status_code == 404


def test_another_tenants_customer_is_not_found(
    world: World, enriched: dict[str, Customer], api_as: Any
) -> None:
    response = api_as(world.admin).get(f"/api/enrichment/customers/{enriched['other'].pk}")

    assert response.status_code == 404


def test_a_customer_not_enriched_yet_says_so(
    world: World, enriched: dict[str, Customer], api_as: Any
) -> None:
    with scopes_disabled():
        fresh = factories.make_customer(world.acme, world.rep1)

    response = api_as(world.rep1).get(f"/api/enrichment/customers/{fresh.pk}")

    assert response.status_code == 404
    assert response.json()["detail"] == "this customer has not been enriched yet"


def test_segment_counts_cover_the_customers_each_person_sees(
    world: World, enriched: dict[str, Customer], api_as: Any
) -> None:
    admin = api_as(world.admin).get("/api/enrichment/segments").json()
    rep = api_as(world.rep1).get("/api/enrichment/segments").json()

    assert (admin["scored"], admin["not_scored"]) == (2, 1)
    assert (rep["scored"], rep["not_scored"]) == (1, 1)
    assert sum(item["count"] for item in admin["items"]) == 2
    assert [item["segment"] for item in admin["items"]][:2] == ["Champions", "Loyal"]


def test_an_admin_enqueues_the_tenant_run(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/enrichment/run", {})

    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.type, job.tenant_id, job.created_by_id) == (
        "customer_enrichment",
        world.acme.pk,
        world.admin.pk,
    )
    assert job.payload.get("customer_ids") is None
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="enrichment.run").count() == 1


def test_asking_twice_before_it_ran_gives_the_same_job(world: World, api_as: Any) -> None:
    client = api_as(world.admin)

    first = client.post("/api/enrichment/run", {"type": "account_type_update"}).json()
    second = client.post("/api/enrichment/run", {"type": "account_type_update"}).json()

    assert first["id"] == second["id"] and first["type"] == "account_type_update"


def test_an_unknown_job_type_is_refused_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/enrichment/run", {"type": "bulk_import"})

    assert response.status_code == 422
    assert Job.objects.count() == 0


def test_a_manager_cannot_run_the_jobs(world: World, api_as: Any) -> None:
    response = api_as(world.manager).post("/api/enrichment/run", {})

    assert response.status_code == 403
    assert Job.objects.count() == 0
