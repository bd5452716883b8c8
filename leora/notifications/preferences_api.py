"""Each user's notification preferences: the daily digest on or off, and its hour."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from leora.notifications.models import NotificationPreference
from leora.notifications.schemas import NotificationPreferencesOut, NotificationPreferencesPatch
from leora.notifications.selectors import notification_preference_get
from leora.notifications.services import notification_preference_update
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


def _out(preference: NotificationPreference, timezone: str) -> dict[str, Any]:
    return {
        "digest_enabled": preference.digest_enabled,
        "digest_hour": preference.digest_hour,
        "timezone": timezone,
    }


@router.get("", response=NotificationPreferencesOut, summary="My notification preferences")
def get_preferences(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return _out(notification_preference_get(actor=actor), actor.tenant.timezone)


@router.patch("", response=NotificationPreferencesOut, summary="Change my notification preferences")
def patch_preferences(request: HttpRequest, payload: NotificationPreferencesPatch) -> dict[str, Any]:
    actor = actor_of(request)
    changes = patch_changes(payload)
    preference = notification_preference_update(actor=actor, **changes)  # type: ignore[arg-type]
    return _out(preference, actor.tenant.timezone)
