"""Webhook subscriptions, their deliveries and every attempt of a delivery."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned

URL_MAX_LENGTH = 500
AUTO_DISABLED_PREFIX = "Turned off automatically"


class WebhookSubscription(TenantOwned):
    """Where a tenant wants events POSTed, which events, and the (encrypted) key that signs them."""

    url = models.CharField(max_length=URL_MAX_LENGTH)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    # The signing secret, encrypted with a key derived from SECRET_KEY (leora/webhooks/secrets.py):
    # signing needs the secret itself, so it cannot be stored as a one-way hash like API tokens.
    secret_encrypted = models.TextField()
    secret_hint = models.CharField(max_length=12)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "active"], name="webhook_sub_tenant_active")]

    def __str__(self) -> str:
        return self.url

    def listens_to(self, event: str) -> bool:
        return event in self.events

    @property
    def switched_off_by_failures(self) -> bool:
        """True when Leora turned the subscription off after its deliveries kept failing."""
        return not self.active and self.disabled_reason.startswith(AUTO_DISABLED_PREFIX)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(TenantOwned):
    """One event for one subscription: the exact body sent (the same bytes on every attempt)."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=100)
    body = models.TextField()
    is_test = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    job_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "subscription", "-created_at"], name="webhook_delivery_log"),
        ]


class WebhookAttempt(TenantOwned):
    """One HTTP exchange of a delivery (redirects followed included): what came back and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    url = models.CharField(max_length=URL_MAX_LENGTH)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    response_snippet = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "delivery", "number"], name="webhook_attempt_delivery")]
