"""The products page: admins only; search and pages over the catalogue; adding and changing a product
through the shared form modal, refused input shown beside its field with nothing written."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from leora.crm.models import Product
from leora.crm.services.products import product_create, product_update
from leora.errors import Forbidden, InvalidInput
from leora.tenancy.models import AuditEvent, User
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NEW = {"sku": "W-RIO-19", "name": "Rioja Reserva 2019", "brand": "Bodega Alta", "category": "wine",
       "unit_price": "18.50", "active": "on"}  # fmt: skip


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(world: World, unscoped: None) -> dict[str, Product]:
    return {
        "pinot": factories.make_product(
            world.acme, sku="W-PN-01", name="Pinot Noir 2021", brand="Willamette"
        ),
        "gin": factories.make_product(
            world.acme, sku="S-GIN-02", name="Dry Gin", brand="Harbor", category="spirits"
        ),
        "ipa": factories.make_product(
            world.acme, sku="B-IPA-03", name="Hazy IPA", brand="Harbor", category="beer", active=False
        ),
        "other": factories.make_product(world.other, sku="W-OTHER", name="Elsewhere Red"),
    }


def product_audits(world: World) -> int:
    return AuditEvent.objects.for_tenant(world.acme).filter(action__startswith="product.").count()


# ---------------------------------------------------------------------------------------------- access


def test_the_page_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/products/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["manager", "rep1"])
def test_managers_and_reps_are_refused_the_page_and_its_forms(
    world: World, catalogue: dict[str, Product], who: str
) -> None:
    client = signed_in(getattr(world, who))
    assert client.get("/products/").status_code == 403
    assert client.get("/products/new/").status_code == 403
    assert client.post("/products/new/", NEW).status_code == 403
    assert (
        client.post(f"/products/{catalogue['pinot'].pk}/edit/", {**NEW, "sku": "W-PN-01"}).status_code == 403
    )
    assert not Product.objects.for_tenant(world.acme).filter(sku="W-RIO-19").exists()
    catalogue["pinot"].refresh_from_db()
    assert catalogue["pinot"].name == "Pinot Noir 2021"


def test_only_admins_see_the_products_link(world: World) -> None:
    assert 'href="/products/"' in signed_in(world.admin).get("/").content.decode()
    assert 'href="/products/"' not in signed_in(world.manager).get("/").content.decode()


def test_another_tenants_product_answers_404(world: World, catalogue: dict[str, Product]) -> None:
    client = signed_in(world.admin)
    assert client.get(f"/products/{catalogue['other'].pk}/edit/").status_code == 404
    assert client.post(f"/products/{catalogue['other'].pk}/edit/", NEW).status_code == 404


# ------------------------------------------------------------------------------------------------ list


def test_the_list_shows_the_tenants_catalogue_by_name(world: World, catalogue: dict[str, Product]) -> None:
    body = signed_in(world.admin).get("/products/").content.decode()
    assert body.index("Dry Gin") < body.index("Hazy IPA") < body.index("Pinot Noir 2021")
    assert "Elsewhere Red" not in body
    assert "3 products" in body and "$12.50" in body and "Inactive" in body


@pytest.mark.parametrize(
    ("term", "found"),
    [("harbor", {"Dry Gin", "Hazy IPA"}), ("w-pn", {"Pinot Noir 2021"}), ("gin", {"Dry Gin"})],
)
def test_search_matches_name_sku_and_brand(
    world: World, catalogue: dict[str, Product], term: str, found: set[str]
) -> None:
    body = signed_in(world.admin).get("/products/", {"search": term}, headers=HTMX).content.decode()
    shown = {p.name for p in catalogue.values() if p.name in body}
    assert shown == found
    assert 'id="product-results"' in body and "<html" not in body


def test_filters_by_status_and_category(world: World, catalogue: dict[str, Product]) -> None:
    client = signed_in(world.admin)
    inactive = client.get("/products/", {"active": "no"}).content.decode()
    assert "Hazy IPA" in inactive and "Dry Gin" not in inactive
    spirits = client.get("/products/", {"category": "spirits"}).content.decode()
    assert "Dry Gin" in spirits and "Pinot Noir" not in spirits


def test_a_search_with_no_match_says_so(world: World, catalogue: dict[str, Product]) -> None:
    body = signed_in(world.admin).get("/products/", {"search": "zinfandel"}).content.decode()
    assert "No products match" in body


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    world: World, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(30):
        factories.make_product(world.acme, sku=f"SKU-{n:03d}", name=f"Wine {n:03d}")
    client = signed_in(world.admin)
    # session, user, membership, the count, the page of rows
    with django_assert_num_queries(5):
        body = client.get("/products/", {"page": "2"}).content.decode()
    assert "Wine 025" in body and "Wine 024" not in body and "26\u201330 of 30 products" in body


# ------------------------------------------------------------------------------------------------ forms


def test_the_new_product_form_opens_in_the_modal(world: World) -> None:
    body = signed_in(world.admin).get("/products/new/", headers=HTMX).content.decode()
    assert 'hx-post="/products/new/"' in body and "New product" in body and "<html" not in body


def test_an_admin_adds_a_product(world: World) -> None:
    response = signed_in(world.admin).post("/products/new/", NEW, headers=HTMX)
    assert response.status_code == 200
    product = Product.objects.for_tenant(world.acme).get(sku="W-RIO-19")
    assert (product.name, product.brand, product.unit_price, product.active) == (
        "Rioja Reserva 2019",
        "Bodega Alta",
        Decimal("18.50"),
        True,
    )
    events = json.loads(response["HX-Trigger"])
    assert events["toast"]["text"] == "Added Rioja Reserva 2019 (W-RIO-19)." and "records-changed" in events
    assert product_audits(world) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"unit_price": "-1"}, "unit_price", "a price cannot be negative"),
        ({"unit_price": "cheap"}, "unit_price", "Enter a number."),
        ({"name": "   "}, "name", "This field is required."),
        ({"sku": "W-PN-01"}, "sku", "SKU &#x27;W-PN-01&#x27; is already used in this tenant"),
    ],
)
def test_bad_input_is_422_with_the_error_beside_the_field_and_nothing_written(
    world: World, catalogue: dict[str, Product], changes: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(world.admin).post("/products/new/", {**NEW, **changes}, headers=HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="error-{field}"' in body and message in body
    assert not Product.objects.for_tenant(world.acme).filter(name="Rioja Reserva 2019").exists()
    assert product_audits(world) == 0


def test_an_admin_changes_a_price_and_deactivates_a_product(
    world: World, catalogue: dict[str, Product]
) -> None:
    # given the edit form, filled with the product's values
    client = signed_in(world.admin)
    pinot = catalogue["pinot"]
    form = client.get(f"/products/{pinot.pk}/edit/", headers=HTMX).content.decode()
    assert 'value="W-PN-01"' in form and 'value="12.50"' in form and "checked" in form

    # when the price changes and the active box is left unticked
    data = {"sku": "W-PN-01", "name": "Pinot Noir 2021", "brand": "Willamette", "category": "wine",
            "unit_price": "14.00"}  # fmt: skip
    response = client.post(f"/products/{pinot.pk}/edit/", data, headers=HTMX)

    # then the product is saved, audited, and the toast says it is inactive
    assert response.status_code == 200
    pinot.refresh_from_db()
    assert (pinot.unit_price, pinot.active) == (Decimal("14.00"), False)
    assert "inactive" in json.loads(response["HX-Trigger"])["toast"]["text"]
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="product.update")
    assert (audit.before["unit_price"], audit.after["unit_price"]) == ("12.50", "14.00")


def test_without_htmx_the_form_is_a_page_and_saving_redirects(
    world: World, catalogue: dict[str, Product]
) -> None:
    client = signed_in(world.admin)
    page = client.get("/products/new/").content.decode()
    assert "<html" in page and 'action="/products/new/"' in page
    response = client.post("/products/new/", NEW)
    assert response.status_code == 302 and response["Location"] == "/products/"
    assert "Added Rioja Reserva 2019" in client.get("/products/").content.decode()


# --------------------------------------------------------------------------------------------- services


def test_the_service_refuses_a_negative_price_naming_the_field(world: World, unscoped: None) -> None:
    admin = factories.actor(world.acme, world.admin)
    with pytest.raises(InvalidInput) as refused:
        product_create(actor=admin, sku="X-1", name="X", unit_price=Decimal("-0.01"))
    assert refused.value.errors[0].field == "unit_price"
    assert not Product.objects.for_tenant(world.acme).exists()


def test_the_service_refuses_a_blank_name_on_update(world: World, catalogue: dict[str, Product]) -> None:
    admin = factories.actor(world.acme, world.admin)
    with pytest.raises(InvalidInput) as refused:
        product_update(actor=admin, product=catalogue["gin"], changes={"name": "  "})
    assert refused.value.errors[0].field == "name"


def test_the_service_refuses_a_manager(world: World, catalogue: dict[str, Product]) -> None:
    with pytest.raises(Forbidden):
        product_update(
            actor=factories.actor(world.acme, world.manager),
            product=catalogue["gin"],
            changes={"unit_price": Decimal(1)},
        )


def test_the_service_strips_text_it_stores(world: World, unscoped: None) -> None:
    admin = factories.actor(world.acme, world.admin)
    product = product_create(actor=admin, sku="  X-2 ", name=" Cava ", brand=" Sol ", unit_price=Decimal(9))
    assert (product.sku, product.name, product.brand) == ("X-2", "Cava", "Sol")
