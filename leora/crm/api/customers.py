from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.customers import CustomerFilters, CustomerIn, CustomerOut, CustomerPatch
from leora.crm.selectors.customers import CUSTOMER_ORDERING, customer_get, customer_list
from leora.crm.services.customers import customer_create, customer_delete, customer_update
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(CustomerOut), summary="List customers")
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, Any]:
    customers = customer_list(
        actor=actor_of(request),
        search=filters.search,
        account_type=filters.account_type,
        status=filters.status,
        assigned_rep_id=filters.assigned_rep_id,
        territory=filters.territory,
    )
    return paginate(apply_ordering(customers, filters.ordering, CUSTOMER_ORDERING, "name"), filters)


@router.post("", response={201: CustomerOut}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status[Any]:
    return Status(201, customer_create(actor=actor_of(request), **payload.model_dump()))


@router.get("/{customer_id}", response=CustomerOut, summary="Get a customer")
def get_customer(request: HttpRequest, customer_id: int) -> Any:
    return customer_get(actor=actor_of(request), customer_id=customer_id)


@router.patch("/{customer_id}", response=CustomerOut, summary="Update a customer")
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    actor = actor_of(request)
    customer = customer_get(actor=actor, customer_id=customer_id)
    changes = patch_changes(payload, nullable={"assigned_rep_id", "email", "latitude", "longitude"})
    if "email" in changes:
        changes["email"] = changes["email"] or ""
    return customer_update(actor=actor, customer=customer, changes=changes)


@router.delete("/{customer_id}", response={204: None}, summary="Delete a customer with no orders")
def delete_customer(request: HttpRequest, customer_id: int) -> Status[None]:
    actor = actor_of(request)
    customer_delete(actor=actor, customer=customer_get(actor=actor, customer_id=customer_id))
    return Status(204, None)
