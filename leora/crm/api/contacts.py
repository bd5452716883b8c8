from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.contacts import ContactFilters, ContactIn, ContactOut, ContactPatch
from leora.crm.selectors.contacts import CONTACT_ORDERING, contact_get, contact_list
from leora.crm.services.contacts import contact_create, contact_delete, contact_update
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(ContactOut), summary="List contacts")
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]) -> dict[str, Any]:
    contacts = contact_list(
        actor=actor_of(request),
        search=filters.search,
        customer_id=filters.customer_id,
        is_primary=filters.is_primary,
    )
    return paginate(apply_ordering(contacts, filters.ordering, CONTACT_ORDERING, "name"), filters)


@router.post("", response={201: ContactOut}, summary="Create a contact")
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Any]:
    return Status(201, contact_create(actor=actor_of(request), **payload.model_dump()))


@router.get("/{contact_id}", response=ContactOut, summary="Get a contact")
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    return contact_get(actor=actor_of(request), contact_id=contact_id)


@router.patch("/{contact_id}", response=ContactOut, summary="Update a contact")
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    actor = actor_of(request)
    contact = contact_get(actor=actor, contact_id=contact_id)
    changes = patch_changes(payload, nullable={"email"})
    if "email" in changes:
        changes["email"] = changes["email"] or ""
    return contact_update(actor=actor, contact=contact, changes=changes)


@router.delete("/{contact_id}", response={204: None}, summary="Delete a contact")
def delete_contact(request: HttpRequest, contact_id: int) -> Status[None]:
    actor = actor_of(request)
    contact_delete(actor=actor, contact=contact_get(actor=actor, contact_id=contact_id))
    return Status(204, None)
