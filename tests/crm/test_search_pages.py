"""The top bar's search results (an htmx fragment) and the search page behind it, read from the same
selector as /api/search."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from tests.crm.conftest import Book
from tests.crm.search_rows import search_rows

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def found(world: World, book: Book, unscoped: None) -> dict[str, Any]:
    return search_rows(world, book)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_fragment_lists_options_grouped_by_kind_with_links(world: World, found: Any) -> None:
    response = signed_in(world.rep1).get("/search/", {"q": "cellar"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="search-group-customers"' in body and 'id="search-group-contacts"' in body
    assert 'id="search-group-products"' in body and 'id="search-group-orders"' not in body
    customer = found["rep1_cellar"]
    assert f'id="search-option-customer-{customer.pk}"' in body
    assert f'href="/customers/{customer.pk}/"' in body
    assert 'role="option"' in body and "Corner Cellar" not in body
    assert 'href="/customers/?search=cellar"' in body  # see all


def test_the_fragment_for_a_search_that_finds_nothing_says_so(world: World, found: Any) -> None:
    body = signed_in(world.rep1).get("/search/", {"q": "zzzz"}, headers=HTMX).content.decode()
    assert "Nothing matches" in body and 'aria-disabled="true"' in body


def test_the_fragment_for_one_character_is_empty(world: World, found: Any) -> None:
    body = signed_in(world.rep1).get("/search/", {"q": "c"}, headers=HTMX).content.decode()
    assert body.strip() == ""


def test_without_javascript_the_search_is_a_page(world: World, found: Any) -> None:
    page = signed_in(world.rep1).get("/search/", {"q": "cellar"}).content.decode()
    assert "<html" in page and "Cellar Door Bistro" in page and "Ana Cellarman" in page
    assert "Corner Cellar" not in page


def test_the_search_page_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/search/", {"q": "cellar"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_fragment_runs_a_fixed_number_of_queries(
    world: World, found: Any, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.manager)
    # session, user, membership, team; then the four groups.
    with django_assert_num_queries(8):
        response = client.get("/search/", {"q": "SO-77"}, headers=HTMX)
    assert response.status_code == 200


def test_an_order_opens_its_own_page(world: World, found: Any) -> None:
    order = found["rep1_order"]
    body = signed_in(world.rep1).get("/search/", {"q": "770001"}, headers=HTMX).content.decode()
    assert f'id="search-option-order-{order.pk}"' in body and f'href="/orders/{order.pk}/"' in body


def test_a_product_links_to_the_products_page_for_admins_only(world: World, found: Any) -> None:
    product = found["product"]
    admin = signed_in(world.admin).get("/search/", {"q": "CEL-001"}, headers=HTMX).content.decode()
    assert 'href="/products/?search=CEL-001"' in admin
    rep = signed_in(world.rep1).get("/search/", {"q": "CEL-001"}, headers=HTMX).content.decode()
    assert f'id="search-option-product-{product.pk}"' in rep and "/products/" not in rep
    assert "Cellar Select Rioja" in rep and "$12.50" in rep
