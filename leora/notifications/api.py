"""The notifications API: each user reads and dismisses their own in-app notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from leora.notifications.schemas import NotificationFilters, NotificationOut, ReadAllOut, UnreadCountOut
from leora.notifications.selectors import (
    NOTIFICATION_ORDERING,
    notification_get,
    notification_list,
    notification_unread_count,
)
from leora.notifications.services import notification_mark_all_read, notification_mark_read
from leora.pagination import apply_ordering, page_of, paginate
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(NotificationOut), summary="List my notifications, newest first")
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    notifications = notification_list(actor=actor_of(request), unread=filters.unread, search=filters.search)
    if filters.ordering:
        notifications = apply_ordering(notifications, filters.ordering, NOTIFICATION_ORDERING, "-created_at")
    return paginate(notifications, filters)


@router.get("/unread-count", response=UnreadCountOut, summary="How many of my notifications are unread")
def unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": notification_unread_count(actor=actor_of(request))}


@router.post("/read-all", response=ReadAllOut, summary="Mark all my notifications read")
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"marked": notification_mark_all_read(actor=actor_of(request))}


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one notification read")
def read_one(request: HttpRequest, notification_id: int) -> Any:
    actor = actor_of(request)
    return notification_mark_read(
        actor=actor, notification=notification_get(actor=actor, notification_id=notification_id)
    )
