"""Notifications made for tests, with a chosen age and read state."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from leora.notifications.models import Notification
from leora.notifications.services import notification_create
from leora.tenancy.models import Tenant, User


def notify(
    tenant: Tenant, user: User, title: str, *, url: str = "", read: bool = False, minutes_ago: int = 0
) -> Notification:
    note = notification_create(
        tenant=tenant, user=user, kind="test", title=title, body=f"About {title}", url=url
    )
    now = timezone.now()
    fields = {"created_at": now - timedelta(minutes=minutes_ago), "read_at": now if read else None}
    Notification.objects.for_tenant(tenant).filter(pk=note.pk).update(**fields)
    return Notification.objects.for_tenant(tenant).get(pk=note.pk)


def read_at(note: Notification) -> object:
    return Notification.objects.for_tenant(note.tenant_id).get(pk=note.pk).read_at


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
