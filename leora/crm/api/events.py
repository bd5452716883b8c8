from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.events import EventFilters, EventIn, EventOut, EventPatch
from leora.crm.selectors.events import EVENT_ORDERING, event_get, event_list
from leora.crm.services.events import event_create, event_delete, event_update
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(EventOut), summary="List calendar events")
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    events = event_list(
        actor=actor_of(request),
        search=filters.search,
        user_id=filters.user_id,
        customer_id=filters.customer_id,
        starts_from=filters.starts_from,
        starts_to=filters.starts_to,
    )
    return paginate(apply_ordering(events, filters.ordering, EVENT_ORDERING, "starts_at"), filters)


@router.post("", response={201: EventOut}, summary="Create a calendar event")
def create_event(request: HttpRequest, payload: EventIn) -> Status[Any]:
    actor = actor_of(request)
    event = event_create(actor=actor, **payload.model_dump())
    return Status(201, event_get(actor=actor, event_id=event.pk))


@router.get("/{event_id}", response=EventOut, summary="Get a calendar event")
def get_event(request: HttpRequest, event_id: int) -> Any:
    return event_get(actor=actor_of(request), event_id=event_id)


@router.patch("/{event_id}", response=EventOut, summary="Update a calendar event")
def update_event(request: HttpRequest, event_id: int, payload: EventPatch) -> Any:
    actor = actor_of(request)
    event = event_get(actor=actor, event_id=event_id)
    event_update(actor=actor, event=event, changes=patch_changes(payload, nullable={"customer_id"}))
    return event_get(actor=actor, event_id=event_id)


@router.delete("/{event_id}", response={204: None}, summary="Delete a calendar event")
def delete_event(request: HttpRequest, event_id: int) -> Status[None]:
    actor = actor_of(request)
    event_delete(actor=actor, event=event_get(actor=actor, event_id=event_id))
    return Status(204, None)
