"""Hostile input to the JSON API is a clear 4xx naming the field, never a 500, and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from leora.crm.models import Customer
from leora.tenancy.services.tokens import api_token_create
from tests.conftest import World
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world: World) -> tuple[Client, dict[str, str]]:
    token = api_token_create(tenant=world.acme, user=world.admin).plaintext
    return Client(), {"Authorization": f"Bearer {token}"}


def _post(admin_client: tuple[Client, dict[str, str]], path: str, body: str, **kwargs: Any) -> Any:
    client, headers = admin_client
    kwargs.setdefault("content_type", "application/json")
    return client.post(path, data=body, headers=headers, **kwargs)


def _fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def _customers(world: World) -> int:
    return Customer.objects.for_tenant(world.acme).count()


def test_an_id_beyond_64_bits_in_a_body_is_refused_naming_the_field(world: World, admin_client: Any) -> None:
    before = _customers(world)
    body = json.dumps({"name": "Vine & Dine", "assigned_rep_id": 2**64})
    response = _post(admin_client, "/api/customers", body)
    assert response.status_code == 422
    assert _fields(response) == ["assigned_rep_id"]
    assert "whole number" in response.json()["detail"]
    assert _customers(world) == before


def test_a_nul_byte_in_a_text_field_is_refused_on_every_database(world: World, admin_client: Any) -> None:
    before = _customers(world)
    response = _post(admin_client, "/api/customers", json.dumps({"name": "Bad\u0000Bar"}))
    assert response.status_code == 422
    assert _fields(response) == ["name"]
    assert _customers(world) == before


def test_a_nul_byte_in_a_search_term_is_refused(world: World, admin_client: Any) -> None:
    client, headers = admin_client
    response = client.get("/api/customers", {"search": "wine\x00"}, headers=headers)
    assert response.status_code == 422
    assert _fields(response) == ["search"]


def test_an_id_filter_beyond_64_bits_is_refused(world: World, admin_client: Any) -> None:
    client, headers = admin_client
    response = client.get("/api/customers", {"assigned_rep_id": "9" * 25}, headers=headers)
    assert response.status_code == 422
    assert _fields(response) == ["assigned_rep_id"]


def test_a_page_whose_offset_would_overflow_is_refused(world: World, admin_client: Any) -> None:
    client, headers = admin_client
    response = client.get("/api/customers", {"page": str(2**62)}, headers=headers)
    assert response.status_code == 422
    assert _fields(response) == ["page"]


def test_a_path_id_beyond_64_bits_is_a_4xx(world: World, admin_client: Any) -> None:
    client, headers = admin_client
    response = client.get(f"/api/customers/{'9' * 30}", headers=headers)
    assert response.status_code in (404, 422)
    assert "detail" in response.json()


def test_a_body_that_is_not_an_object_is_refused(world: World, admin_client: Any) -> None:
    response = _post(admin_client, "/api/customers", json.dumps("just a string"))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "must be a JSON object"}]


def test_a_body_in_another_format_is_415(world: World, admin_client: Any) -> None:
    before = _customers(world)
    response = _post(admin_client, "/api/customers", "name=Vine", content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert _customers(world) == before


def test_a_body_nested_past_the_limit_is_refused(world: World, admin_client: Any) -> None:
    deep: dict[str, Any] = {"name": "Deep"}
    for _ in range(200):
        deep = {"notes": deep}
    response = _post(admin_client, "/api/customers", json.dumps(deep))
    assert response.status_code == 422
    assert "deeper than" in response.json()["detail"]


def test_a_non_finite_number_is_refused(world: World, admin_client: Any) -> None:
    response = _post(admin_client, "/api/customers", '{"name": "Inf", "assigned_rep_id": Infinity}')
    assert response.status_code == 422
    assert _fields(response) == ["assigned_rep_id"]


def test_a_body_over_the_size_limit_is_413(world: World, admin_client: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(admin_client, "/api/customers", json.dumps({"name": "x", "notes": "y" * 5000}))
    assert response.status_code == 413
    assert "larger" in response.json()["detail"]


def test_authorization_comes_before_the_body_is_read(world: World) -> None:
    # A caller without a token learns nothing about the body's problems: 401 first.
    response = Client().post("/api/customers", data='"not an object"', content_type="application/json")
    assert response.status_code == 401


def test_ordinary_text_with_newlines_and_tabs_is_accepted(world: World, admin_client: Any) -> None:
    response = _post(admin_client, "/api/customers", json.dumps({"name": "Tab\tand", "notes": "a\nb\r\n"}))
    assert response.status_code == 201, response.content
    assert Customer.objects.for_tenant(world.acme).get(name="Tab\tand").notes == "a\nb\r\n"


def test_another_tenants_customer_still_answers_404(world: World, admin_client: Any, unscoped: None) -> None:
    foreign = make_customer(world.other, name="Elsewhere")
    client, headers = admin_client
    assert client.get(f"/api/customers/{foreign.pk}", headers=headers).status_code == 404
