from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.activities import (
    ActivityCreatedOut,
    ActivityFilters,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
)
from leora.crm.selectors.activities import ACTIVITY_ORDERING, activity_get, activity_list
from leora.crm.services.activities import FollowUp, activity_create, activity_delete, activity_update
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(ActivityOut), summary="List activities")
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]) -> dict[str, Any]:
    activities = activity_list(
        actor=actor_of(request),
        search=filters.search,
        customer_id=filters.customer_id,
        user_id=filters.user_id,
        kind=filters.kind,
        occurred_from=filters.occurred_from,
        occurred_to=filters.occurred_to,
    )
    return paginate(apply_ordering(activities, filters.ordering, ACTIVITY_ORDERING, "-occurred_at"), filters)


@router.post(
    "", response={201: ActivityCreatedOut}, summary="Log an activity, optionally with a follow-up task"
)
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[Any]:
    data = payload.model_dump(exclude={"follow_up"})
    follow_up = FollowUp(**payload.follow_up.model_dump()) if payload.follow_up is not None else None
    return Status(201, activity_create(actor=actor_of(request), follow_up=follow_up, **data))


@router.get("/{activity_id}", response=ActivityOut, summary="Get an activity")
def get_activity(request: HttpRequest, activity_id: int) -> Any:
    return activity_get(actor=actor_of(request), activity_id=activity_id)


@router.patch("/{activity_id}", response=ActivityOut, summary="Update an activity")
def update_activity(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Any:
    actor = actor_of(request)
    activity = activity_get(actor=actor, activity_id=activity_id)
    return activity_update(actor=actor, activity=activity, changes=patch_changes(payload))


@router.delete("/{activity_id}", response={204: None}, summary="Delete an activity")
def delete_activity(request: HttpRequest, activity_id: int) -> Status[None]:
    actor = actor_of(request)
    activity_delete(actor=actor, activity=activity_get(actor=actor, activity_id=activity_id))
    return Status(204, None)
