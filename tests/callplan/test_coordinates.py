"""Account coordinates (for route order): through the customers API, the Edit account form and the demo."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from leora.crm.models import Customer
from tests import factories
from tests.conftest import World


@pytest.fixture
def customer(world: World, unscoped: None) -> Customer:
    return factories.make_customer(world.acme, world.rep1, name="Blue Door Bistro")


def test_the_api_creates_and_reads_coordinates(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/customers", {"name": "Fig & Vine", "latitude": "38.297538", "longitude": "-122.286865"}
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["latitude"], response.json()["longitude"]) == ("38.297538", "-122.286865")


def test_a_latitude_out_of_range_is_a_422_naming_it(world: World, customer: Customer, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/customers/{customer.pk}", {"latitude": "91"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "latitude"
    customer.refresh_from_db()
    assert customer.latitude is None


def test_coordinates_can_be_cleared(world: World, customer: Customer, api_as: Any) -> None:
    api = api_as(world.rep1)
    api.patch(f"/api/customers/{customer.pk}", {"latitude": "38.1", "longitude": "-122.2"})

    response = api.patch(f"/api/customers/{customer.pk}", {"latitude": None, "longitude": None})

    assert response.status_code == 200 and response.json()["latitude"] is None


def test_another_tenants_customer_coordinates_answer_404(
    world: World, customer: Customer, api_as: Any
) -> None:
    response = api_as(world.other_admin).patch(f"/api/customers/{customer.pk}", {"latitude": "1"})

    assert response.status_code == 404


def _edit_form(client: Client, customer: Customer, **values: str) -> Any:
    data = {"name": customer.name, "account_type": "ACTIVE", "status": "active", "licence_type": "", **values}
    return client.post(f"/customers/{customer.pk}/edit/", data)


def test_the_edit_form_saves_coordinates(world: World, customer: Customer) -> None:
    client = Client()
    client.force_login(world.rep1)

    response = _edit_form(client, customer, latitude="38.5", longitude="-122.4")

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (str(customer.latitude), str(customer.longitude)) == ("38.500000", "-122.400000")


def test_the_edit_form_wants_both_coordinates(world: World, customer: Customer) -> None:
    client = Client()
    client.force_login(world.rep1)

    response = _edit_form(client, customer, latitude="38.5")

    assert response.status_code == 422
    assert "Give both, or neither." in response.content.decode()


def test_the_demo_places_every_account_near_its_area(db: Any) -> None:
    from django.core.management import call_command

    from leora.tenancy.models import Tenant
    from leora.tenancy.scoping import scopes_disabled

    with scopes_disabled():
        call_command("seed_demo", tenant_slug="geo-demo", customers=30, verbosity=0)
        tenant = Tenant.objects.get(slug="geo-demo")
        points = list(Customer.objects.for_tenant(tenant).values_list("latitude", "longitude"))
    assert len(points) == 30
    assert all(lat is not None and 44 < lat < 49.5 and -125 < lng < -119 for lat, lng in points)
