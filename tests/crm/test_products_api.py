from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import Product
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.factories import make_customer, make_order, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world: World, unscoped: None) -> dict[str, Product]:
    return {
        "pinot": make_product(world.acme, sku="W-PN-01", name="Pinot Noir 2021", brand="Willamette"),
        "gin": make_product(world.acme, sku="S-GIN-02", name="Dry Gin", brand="Harbor", category="spirits"),
        "ipa": make_product(world.acme, sku="B-IPA-03", name="Hazy IPA", brand="Harbor", category="beer",
                            active=False),
        "other": make_product(world.other, sku="W-OTHER", name="Elsewhere Red"),
    }  # fmt: skip


def names(response: Any) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


def test_every_role_reads_the_whole_catalogue_of_their_tenant(
    world: World, catalogue: Any, api_as: Any
) -> None:
    expected = {"Pinot Noir 2021", "Dry Gin", "Hazy IPA"}
    for user in (world.rep3, world.manager, world.admin):
        response = api_as(user).get("/api/products")
        assert response.status_code == 200
        assert names(response) == expected


def test_a_product_shows_its_price_as_a_decimal_string(world: World, catalogue: Any, api_as: Any) -> None:
    body = api_as(world.rep1).get(f"/api/products/{catalogue['pinot'].pk}").json()
    assert (body["sku"], body["unit_price"], body["category"]) == ("W-PN-01", "12.50", "wine")


def test_another_tenants_product_answers_404(world: World, catalogue: Any, api_as: Any) -> None:
    client, path = api_as(world.admin), f"/api/products/{catalogue['other'].pk}"
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"] == "product not found"
    assert client.patch(path, {"name": "x"}).status_code == 404
    assert client.delete(path).status_code == 404


def test_filters_by_category_active_and_brand(world: World, catalogue: Any, api_as: Any) -> None:
    client = api_as(world.rep1)
    assert names(client.get("/api/products", category="spirits")) == {"Dry Gin"}
    assert names(client.get("/api/products", active="false")) == {"Hazy IPA"}
    assert names(client.get("/api/products", brand="harbor")) == {"Dry Gin", "Hazy IPA"}


def test_search_matches_sku_name_and_brand(world: World, catalogue: Any, api_as: Any) -> None:
    client = api_as(world.rep1)
    assert names(client.get("/api/products", search="gin-02")) == {"Dry Gin"}
    assert names(client.get("/api/products", search="pinot")) == {"Pinot Noir 2021"}
    assert names(client.get("/api/products", search="willamette")) == {"Pinot Noir 2021"}


def test_ordering_by_price_descending(world: World, catalogue: Any, api_as: Any, unscoped: None) -> None:
    make_product(world.acme, name="Grand Cru", unit_price=Decimal("99.00"))
    items = api_as(world.rep1).get("/api/products", ordering="-unit_price").json()["items"]
    assert items[0]["name"] == "Grand Cru"


def test_an_unknown_category_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/products", category="cider")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "category"


def test_an_admin_creates_a_product_and_it_is_audited(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/products",
        {"sku": "W-CH-09", "name": "Chardonnay", "brand": "Sonoma", "unit_price": "18.75"},
    )
    assert response.status_code == 201
    product = Product.objects.for_tenant(world.acme).get(pk=response.json()["id"])
    assert (product.sku, product.unit_price, product.category) == ("W-CH-09", Decimal("18.75"), "wine")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="product.create")
    assert audit.object_id == str(product.pk) and audit.after["unit_price"] == "18.75"


def test_reps_and_managers_cannot_create_products(world: World, api_as: Any) -> None:
    for user in (world.rep1, world.manager):
        response = api_as(user).post("/api/products", {"sku": "X", "name": "X", "unit_price": "1"})
        assert response.status_code == 403
    assert Product.objects.for_tenant(world.acme).count() == 0


def test_a_rep_cannot_change_or_delete_a_product_they_can_see(
    world: World, catalogue: Any, api_as: Any
) -> None:
    client = api_as(world.rep1)
    assert client.patch(f"/api/products/{catalogue['pinot'].pk}", {"unit_price": "1.00"}).status_code == 403
    assert client.delete(f"/api/products/{catalogue['pinot'].pk}").status_code == 403
    catalogue["pinot"].refresh_from_db()
    assert catalogue["pinot"].unit_price == Decimal("12.50")


def test_a_negative_price_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/products", {"sku": "X", "name": "X", "unit_price": "-1"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit_price"


def test_a_price_with_fractions_of_a_cent_is_422(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/products", {"sku": "X", "name": "X", "unit_price": "1.005"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit_price"


def test_a_blank_sku_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/products", {"sku": " ", "name": "X", "unit_price": "1"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sku"


def test_a_duplicate_sku_is_409_naming_the_field(world: World, catalogue: Any, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/products", {"sku": "W-PN-01", "name": "X", "unit_price": "1"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "sku"
    duplicate = api_as(world.admin).patch(f"/api/products/{catalogue['gin'].pk}", {"sku": "W-PN-01"})
    assert duplicate.status_code == 409


def test_a_sku_of_another_tenant_may_be_reused(world: World, catalogue: Any, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/products", {"sku": "W-OTHER", "name": "X", "unit_price": "1"})
    assert response.status_code == 201


def test_an_admin_deactivates_a_product_and_the_change_is_audited(
    world: World, catalogue: Any, api_as: Any
) -> None:
    response = api_as(world.admin).patch(f"/api/products/{catalogue['gin'].pk}", {"active": False})
    assert response.status_code == 200
    assert response.json()["active"] is False
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="product.update")
    assert audit.before["active"] is True and audit.after["active"] is False


def test_patch_rejects_null_for_a_required_field(world: World, catalogue: Any, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/products/{catalogue['gin'].pk}", {"unit_price": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "unit_price", "message": "cannot be null"}]


def test_an_admin_deletes_a_product_never_ordered(world: World, catalogue: Any, api_as: Any) -> None:
    product_id = catalogue["gin"].pk
    assert api_as(world.admin).delete(f"/api/products/{product_id}").status_code == 204
    assert not Product.objects.for_tenant(world.acme).filter(pk=product_id).exists()
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="product.delete").count() == 1


def test_an_ordered_product_cannot_be_deleted(
    world: World, catalogue: Any, api_as: Any, unscoped: None
) -> None:
    make_order(make_customer(world.acme, world.rep1), [(catalogue["gin"], 1)])
    response = api_as(world.admin).delete(f"/api/products/{catalogue['gin'].pk}")
    assert response.status_code == 409
    assert Product.objects.for_tenant(world.acme).filter(pk=catalogue["gin"].pk).exists()
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="product.delete").exists()


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for _ in range(30):
        make_product(world.acme)
    client = api_as(world.rep1)
    # token, its last-use stamp, membership, count, page.
    with django_assert_num_queries(5):
        assert client.get("/api/products", page_size=30).status_code == 200
