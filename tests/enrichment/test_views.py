"""The enrichment page and the customer page's buying-pattern panel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from leora.crm.models import Customer
from leora.jobs.models import Job
from tests import factories
from tests.conftest import World
from tests.enrichment.conftest import orders_on, run

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def classified(world: World, today: date, setup: None) -> Customer:
    customer = factories.make_customer(world.acme, world.rep1, name="Harbour Wines")
    wine = factories.make_product(world.acme, name="Albariño")
    orders_on(customer, [today - timedelta(days=d) for d in (1, 8, 15)], lines=[(wine, 4)])
    run("customer_enrichment", world.acme)
    run("account_type_update", world.acme)
    return customer


def test_the_page_shows_the_jobs_segments_and_account_type_changes(
    world: World, classified: Customer
) -> None:
    html = as_user(world.admin).get("/enrichment/").content.decode()

    assert html.count('data-testid="enrichment-job"') == 2
    assert html.count("Run now") == 2
    assert 'data-testid="rfm-row"' in html and "Champions" in html
    assert f'href="/customers/{classified.pk}/"' in html and "Harbour Wines" in html
    assert "leora/enrichment.css" in html


def test_a_manager_sees_the_page_without_run_buttons(world: World, classified: Customer) -> None:
    response = as_user(world.manager).get("/enrichment/")

    assert response.status_code == 200
    assert "Run now" not in response.content.decode()


def test_a_rep_is_refused_the_page(world: World) -> None:
    assert as_user(world.rep1).get("/enrichment/").status_code == 403


def test_run_now_enqueues_the_job_and_says_so(world: World) -> None:
    response = as_user(world.admin).post("/enrichment/run/account_type_update/", follow=True)

    assert Job.objects.filter(type="account_type_update", tenant=world.acme).count() == 1
    assert "Account types queued" in response.content.decode()


def test_a_manager_cannot_run_now(world: World) -> None:
    response = as_user(world.manager).post("/enrichment/run/customer_enrichment/", follow=True)

    assert Job.objects.count() == 0
    assert "only admins can run enrichment jobs" in response.content.decode()


def test_another_tenants_changes_are_not_listed(world: World, classified: Customer) -> None:
    html = as_user(world.other_admin).get("/enrichment/").content.decode()

    assert "Harbour Wines" not in html and "No account type changes yet" in html


def test_the_customer_page_shows_the_stored_enrichment(
    world: World, classified: Customer, today: date
) -> None:
    html = as_user(world.rep1).get(f"/customers/{classified.pk}/").content.decode()

    assert 'data-testid="enrichment-panel"' in html
    assert "Albariño" in html and "12 units" in html
    assert 'data-testid="enrichment-segment"' in html
    assert f'data-testid="enrichment-weekday">{(today - timedelta(days=1)).strftime("%A")}<' in html


def test_a_customer_not_enriched_yet_says_when_it_will_be(world: World, setup: None) -> None:
    fresh = factories.make_customer(world.acme, world.rep1)

    html = as_user(world.rep1).get(f"/customers/{fresh.pk}/").content.decode()

    assert "Not worked out yet" in html
