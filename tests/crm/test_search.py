"""Search everywhere: what the selector finds, for whom, and that /api/search and the top bar's
fragment answer from it alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from leora.crm.selectors.search import search
from tests import factories
from tests.conftest import World
from tests.crm.conftest import Book
from tests.crm.search_rows import search_rows

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def found(world: World, book: Book, unscoped: None) -> dict[str, Any]:
    return search_rows(world, book)


def names(group: Any) -> list[str]:
    return [getattr(row, "name", None) or row.order_number for row in group.items]


# What each person finds


def test_a_rep_finds_only_their_own_customers_contacts_and_orders(world: World, found: Any) -> None:
    results = search(actor=factories.actor(world.acme, world.rep1), text="cellar")
    assert names(results.customers) == ["Cellar Door Bistro"]
    assert names(results.contacts) == ["Ana Cellarman"]
    assert names(results.products) == ["Cellar Select Rioja", "Cellar Reserve"]  # the catalogue is shared
    orders = search(actor=factories.actor(world.acme, world.rep1), text="SO-7700")
    assert names(orders.orders) == ["SO-770001", "SO-770002"]  # latest first


def test_a_manager_finds_their_teams_rows_but_not_a_rep_outside_it(world: World, found: Any) -> None:
    actor = factories.actor(world.acme, world.manager)
    results = search(actor=actor, text="cellar")
    assert set(names(results.customers)) == {"Cellar Door Bistro", "Corner Cellar"}
    assert set(names(results.contacts)) == {"Ana Cellarman", "Ben Cellars"}
    assert set(names(search(actor=actor, text="SO-7700").orders)) == {"SO-770001", "SO-770002", "SO-770003"}


def test_an_admin_finds_the_whole_tenant_and_nothing_of_another(world: World, found: Any) -> None:
    actor = factories.actor(world.acme, world.admin)
    results = search(actor=actor, text="cellar")
    assert set(names(results.customers)) == {"Cellar Door Bistro", "Corner Cellar"}
    assert set(names(results.contacts)) == {"Ana Cellarman", "Ben Cellars", "Chloe Cellar"}
    assert "Other Cellar Gin" not in names(results.products)
    orders = names(search(actor=actor, text="SO-7700").orders)
    assert set(orders) == {"SO-770001", "SO-770002", "SO-770003", "SO-770004"}


def test_another_tenant_finds_only_its_own_rows(world: World, found: Any) -> None:
    results = search(actor=factories.actor(world.other, world.other_admin), text="cellar")
    assert names(results.customers) == ["Other Cellar"]
    assert names(results.contacts) == [] and names(results.products) == ["Other Cellar Gin"]
    assert names(search(actor=factories.actor(world.other, world.other_rep), text="SO-77").orders) == [
        "SO-770005"
    ]


# What a text matches


@pytest.mark.parametrize(
    "text",
    ["Cellar Door", "ac-1048", "47-5602", "555-0108", "5550108", "(415) 555 0108"],
    ids=["name", "account number", "licence", "phone as stored", "phone digits", "phone typed otherwise"],
)
def test_a_customer_is_found_by_name_account_licence_or_phone(world: World, found: Any, text: str) -> None:
    results = search(actor=factories.actor(world.acme, world.rep1), text=text)
    assert "Cellar Door Bistro" in names(results.customers)


@pytest.mark.parametrize("text", ["Cellarman", "ana@bluedoor", "555 0199", "5550199"])
def test_a_contact_is_found_by_name_email_or_phone(world: World, found: Any, text: str) -> None:
    results = search(actor=factories.actor(world.acme, world.rep1), text=text)
    assert names(results.contacts) == ["Ana Cellarman"]


@pytest.mark.parametrize("text", ["Select Rioja", "cel-001", "bodega"])
def test_a_product_is_found_by_name_sku_or_brand(world: World, found: Any, text: str) -> None:
    results = search(actor=factories.actor(world.acme, world.rep2), text=text)
    assert names(results.products) == ["Cellar Select Rioja"]


def test_names_starting_with_the_text_come_first(world: World, book: Book, unscoped: None) -> None:
    factories.make_customer(world.acme, world.rep1, name="Aardvark Door Tavern")
    factories.make_customer(world.acme, world.rep1, name="Door Seven")
    results = search(actor=factories.actor(world.acme, world.rep1), text="door")
    assert names(results.customers) == ["Door Seven", "Aardvark Door Tavern", "Blue Door Bistro"]


def test_a_text_under_two_characters_searches_nothing(
    world: World, found: Any, django_assert_num_queries: Any
) -> None:
    actor = factories.actor(world.acme, world.rep1)
    with django_assert_num_queries(0):
        results = search(actor=actor, text="  c  ")
    assert results.query == "c" and not results.searched and results.count == 0


def test_each_group_shows_at_most_the_limit_and_says_there_is_more(
    world: World, book: Book, unscoped: None
) -> None:
    for n in range(7):
        factories.make_customer(world.acme, world.rep1, name=f"Vine Shop {n}")
    results = search(actor=factories.actor(world.acme, world.rep1), text="vine shop", limit=5)
    assert len(results.customers.items) == 5 and results.customers.more is True
    assert results.contacts.more is False


def test_a_search_is_four_queries_however_many_rows_match(
    world: World, found: Any, django_assert_num_queries: Any
) -> None:
    for n in range(12):
        customer = factories.make_customer(world.acme, world.rep1, name=f"Cellar {n}")
        factories.make_contact(customer, name=f"Cellar contact {n}")
        factories.make_order(customer, order_number=f"SO-9{n:05d}")
    actor = factories.actor(world.acme, world.rep1)
    with django_assert_num_queries(4):
        results = search(actor=actor, text="cellar 1")
        [(row.name, row.customer.name) for row in results.contacts.items]
    with django_assert_num_queries(4):
        results = search(actor=actor, text="SO-9")
        [(row.order_number, row.customer.name) for row in results.orders.items]


def test_a_text_without_digits_does_not_search_orders(
    world: World, found: Any, django_assert_num_queries: Any
) -> None:
    actor = factories.actor(world.acme, world.admin)
    with django_assert_num_queries(3):
        results = search(actor=actor, text="cellar")
    assert results.orders.items == []


# The API


def test_the_api_answers_the_same_groups_as_the_selector(world: World, found: Any, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/search", q="cellar")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["query"] == "cellar"
    assert [c["name"] for c in body["customers"]["items"]] == ["Cellar Door Bistro"]
    assert body["customers"]["items"][0]["account_number"] == "AC-1048"
    contact = body["contacts"]["items"][0]
    assert contact["name"] == "Ana Cellarman" and contact["customer"]["name"] == "Blue Door Bistro"
    assert [p["sku"] for p in body["products"]["items"]] == ["CEL-001", "CEL-002"]
    assert body["products"]["items"][0]["unit_price"] == "12.50"
    assert body["orders"] == {"items": [], "more": False}


def test_the_api_finds_orders_by_number_within_the_reps_book(world: World, found: Any, api_as: Any) -> None:
    body = api_as(world.rep1).get("/api/search", q="770003").json()
    assert body["orders"]["items"] == []
    body = api_as(world.rep2).get("/api/search", q="770003").json()
    order = body["orders"]["items"][0]
    assert order["order_number"] == "SO-770003" and order["customer"]["name"] == "Corner Cellar"
    assert Decimal(order["total"]) >= 0


def test_the_api_limits_each_group(world: World, found: Any, api_as: Any) -> None:
    body = api_as(world.admin).get("/api/search", q="cellar", limit=1).json()
    assert len(body["contacts"]["items"]) == 1 and body["contacts"]["more"] is True


@pytest.mark.parametrize(
    ("params", "field"), [({"q": "x" * 101}, "q"), ({"q": "cellar", "limit": 0}, "limit")], ids=["q", "limit"]
)
def test_bad_search_parameters_are_422_naming_the_field(
    world: World, found: Any, api_as: Any, params: dict[str, Any], field: str
) -> None:
    response = api_as(world.rep1).get("/api/search", **params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_the_api_needs_a_token(world: World, client: Client) -> None:
    assert client.get("/api/search", {"q": "cellar"}).status_code == 401


def test_the_search_endpoint_is_documented(world: World, client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit"}
    assert set(schema["paths"]["/api/search"]) == {"get"}
