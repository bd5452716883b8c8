from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.products import ProductFilters, ProductIn, ProductOut, ProductPatch
from leora.crm.selectors.products import PRODUCT_ORDERING, product_get, product_list
from leora.crm.services.products import product_create, product_delete, product_update
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(ProductOut), summary="List products")
def list_products(request: HttpRequest, filters: Query[ProductFilters]) -> dict[str, Any]:
    products = product_list(
        actor=actor_of(request),
        search=filters.search,
        category=filters.category,
        active=filters.active,
        brand=filters.brand,
    )
    return paginate(apply_ordering(products, filters.ordering, PRODUCT_ORDERING, "name"), filters)


@router.post("", response={201: ProductOut}, summary="Create a product (admins)")
def create_product(request: HttpRequest, payload: ProductIn) -> Status[Any]:
    return Status(201, product_create(actor=actor_of(request), **payload.model_dump()))


@router.get("/{product_id}", response=ProductOut, summary="Get a product")
def get_product(request: HttpRequest, product_id: int) -> Any:
    return product_get(actor=actor_of(request), product_id=product_id)


@router.patch("/{product_id}", response=ProductOut, summary="Update a product (admins)")
def update_product(request: HttpRequest, product_id: int, payload: ProductPatch) -> Any:
    actor = actor_of(request)
    product = product_get(actor=actor, product_id=product_id)
    return product_update(actor=actor, product=product, changes=patch_changes(payload))


@router.delete("/{product_id}", response={204: None}, summary="Delete a product never ordered (admins)")
def delete_product(request: HttpRequest, product_id: int) -> Status[None]:
    actor = actor_of(request)
    product_delete(actor=actor, product=product_get(actor=actor, product_id=product_id))
    return Status(204, None)
