"""Reads of in-app notifications: always the acting user's own, in the acting tenant."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from leora.errors import NotFound
from leora.notifications.models import (
    DEFAULT_DIGEST_HOUR,
    Digest,
    Notification,
    NotificationPreference,
)
from leora.tenancy.actors import Actor

NOTIFICATION_ORDERING = {"created_at", "read_at", "kind"}


def _inbox(actor: Actor) -> QuerySet[Notification]:
    # Every role sees only their own notifications, admins included: they are personal messages.
    return Notification.objects.for_tenant(actor.tenant).filter(user_id=actor.user.pk)


def notification_list(
    *, actor: Actor, unread: bool | None = None, search: str | None = None
) -> QuerySet[Notification]:
    """Return the actor's notifications, newest first; ``unread`` True/False keeps only unread/read ones."""
    notifications = _inbox(actor)
    if unread is True:
        notifications = notifications.filter(read_at__isnull=True)
    elif unread is False:
        notifications = notifications.filter(read_at__isnull=False)
    if search:
        term = search.strip()
        notifications = notifications.filter(Q(title__icontains=term) | Q(body__icontains=term))
    return notifications.order_by("-created_at", "-pk")


def notification_get(*, actor: Actor, notification_id: int) -> Notification:
    """Return one of the actor's notifications; another user's or another tenant's answers NotFound."""
    notification = _inbox(actor).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("notification not found")
    return notification


def notification_unread_count(*, actor: Actor) -> int:
    """Return how many of the actor's notifications are still unread."""
    return _inbox(actor).filter(read_at__isnull=True).count()


def notification_preference_get(*, actor: Actor) -> NotificationPreference:
    """Return the actor's preferences in their tenant; an unsaved row with the defaults when they
    never changed them."""
    preference = NotificationPreference.objects.for_tenant(actor.tenant).filter(user_id=actor.user.pk).first()
    if preference is None:
        preference = NotificationPreference(
            tenant=actor.tenant, user=actor.user, digest_enabled=True, digest_hour=DEFAULT_DIGEST_HOUR
        )
    return preference


def digest_get(*, actor: Actor, digest_id: int) -> Digest:
    """Return one of the actor's sent digests; anyone else's, or another tenant's, answers NotFound."""
    digest = (
        Digest.objects.for_tenant(actor.tenant)
        .filter(user_id=actor.user.pk, pk=digest_id, sent_at__isnull=False)
        .first()
    )
    if digest is None:
        raise NotFound("digest not found")
    return digest
