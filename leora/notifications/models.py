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
