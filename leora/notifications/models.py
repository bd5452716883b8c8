"""In-app notifications, and the throttle that keeps alert emails to a sensible rate."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned


class Notification(TenantOwned):
    """A message for one user in one tenant, shown in the app until read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "user", "read_at", "-created_at"], name="notif_inbox_idx")]

    def __str__(self) -> str:
        return self.title


class EmailThrottle(TenantOwned):
    """When an email of one kind (``key``) last went out for a tenant: at most one per interval."""

    key = models.CharField(max_length=120)
    last_sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="email_throttle_unique_key")]

    def __str__(self) -> str:
        return self.key


DEFAULT_DIGEST_HOUR = 7


class NotificationPreference(TenantOwned):
    """One person's notification choices in one tenant; no row means the defaults."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest_enabled = models.BooleanField(default=True)
    digest_hour = models.PositiveSmallIntegerField(default=DEFAULT_DIGEST_HOUR)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="notification_preference_unique_user"),
            models.CheckConstraint(
                condition=models.Q(digest_hour__gte=0, digest_hour__lte=23), name="digest_hour_in_day"
            ),
        ]

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"


class Digest(TenantOwned):
    """One person's daily digest: what it said and the accounts it compared, one row per day.

    The row is written for every day the digest ran for the person, sent or not (``sent_at`` None
    when there was nothing to say), so the next day's digest knows which accounts are new. The
    unique day is what keeps a retried or doubled job from sending twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    at_risk_ids = models.JSONField(default=list)
    due_ids = models.JSONField(default=list)
    items = models.JSONField(default=dict)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user", "day"], name="digest_unique_day")]

    def __str__(self) -> str:
        return f"digest of user {self.user_id} for {self.day}"
