"""Writes of webhooks: subscriptions (admins only, audited), the deliveries events become, and each attempt.

Flow: a business event (leora.events) reaches ``deliveries_for_event`` after its writer committed; it
writes one delivery per active subscription listening to that event and enqueues a webhook_dispatch
job for each. The job calls ``delivery_attempt``, which signs and POSTs the stored body through the
SSRF guard and logs the attempt; a failure raises so the queue retries with backoff, and the last
failure of a delivery counts towards disabling the subscription.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leora.errors import FieldError, InvalidInput, NotFound
from leora.events import EVENTS
from leora.jobs.queue import job_enqueue
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Membership, Role, Tenant
from leora.tenancy.services.audit import audit_record
from leora.webhooks import transport
from leora.webhooks.models import (
    AUTO_DISABLED_PREFIX,
    URL_MAX_LENGTH,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from leora.webhooks.secrets import (
    SIGNATURE_HEADER,
    SecretUnreadable,
    secret_decrypt,
    secret_encrypt,
    secret_generate,
    secret_hint,
    signature_header,
)

log = logging.getLogger("leora.webhooks")

JOB_TYPE = "webhook_dispatch"
TEST_EVENT = "webhook.test"
DEFAULT_DISABLE_AFTER = 10
# Finished deliveries (and their attempts) are kept this long, then pruned as new ones finish.
LOG_RETENTION_DAYS = 30
ADMINS_ONLY = "Webhooks are managed by admins."
AUDITED_FIELDS = ["url", "description", "events", "active"]


def disable_after() -> int:
    """Return after how many deliveries failing in a row a subscription is switched off."""
    return int(getattr(settings, "WEBHOOKS_DISABLE_AFTER_FAILURES", DEFAULT_DISABLE_AFTER))


@dataclass(frozen=True)
class IssuedSecret:
    """A subscription with the plaintext secret it was just given: shown once, never stored in clear."""

    subscription: WebhookSubscription
    secret: str


def _snapshot(subscription: WebhookSubscription) -> dict[str, Any]:
    return {name: getattr(subscription, name) for name in AUDITED_FIELDS}


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise InvalidInput.on("url", "enter the URL Leora should POST events to")
    if len(url) > URL_MAX_LENGTH:
        raise InvalidInput.on("url", f"a URL of at most {URL_MAX_LENGTH} characters")
    try:
        transport.url_check(url)
    except transport.UnsafeUrl as exc:
        raise InvalidInput.on("url", str(exc)) from None
    return url


def _checked_events(events: list[str]) -> list[str]:
    unknown = [event for event in events if event not in EVENTS]
    if unknown:
        raise InvalidInput.on("events", f"unknown event {unknown[0]!r}; choose from {', '.join(EVENTS)}")
    chosen = [event for event in EVENTS if event in events]
    if not chosen:
        raise InvalidInput.on("events", "choose at least one event to send")
    return chosen


def _check_tenant(actor: Actor, subscription: WebhookSubscription) -> None:
    if subscription.tenant_id != actor.tenant.pk:
        raise NotFound("webhook not found")


@transaction.atomic
def webhook_create(
    *, actor: Actor, url: str, events: list[str], description: str = "", active: bool = True
) -> IssuedSecret:
    """Create a subscription (admins only) with a new signing secret; returns both, the secret shown once.

    A URL that is not http(s), or whose host resolves to a private, loopback or link-local address,
    is a 422 on ``url``; no event or an unknown one a 422 on ``events``.
    """
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    errors: list[FieldError] = []
    try:
        url = _checked_url(url)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    try:
        events = _checked_events(events)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if errors:
        raise InvalidInput(errors[0].message, errors)
    secret = secret_generate()
    subscription = WebhookSubscription.objects.create_for(
        actor.tenant, url=url, events=events, description=description.strip()[:200],
        active=active, secret_encrypted=secret_encrypt(secret), secret_hint=secret_hint(secret),
        created_by=actor.user,
    )  # fmt: skip
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="webhook.create", obj=subscription,
        after=_snapshot(subscription),
    )  # fmt: skip
    return IssuedSecret(subscription=subscription, secret=secret)


@transaction.atomic
def webhook_update(
    *, actor: Actor, subscription: WebhookSubscription, changes: dict[str, Any]
) -> WebhookSubscription:
    """Apply ``changes`` (url, events, description, active) and return the subscription (admins only).

    Turning a subscription back on clears its run of failures; an edit that changes nothing writes nothing.
    """
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    _check_tenant(actor, subscription)
    changes = dict(changes)
    if "url" in changes and changes["url"].strip() != subscription.url:
        changes["url"] = _checked_url(changes["url"])
    if "events" in changes:
        changes["events"] = _checked_events(changes["events"])
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()[:200]
    diff = {
        name: value
        for name, value in changes.items()
        if name in AUDITED_FIELDS and getattr(subscription, name) != value
    }
    if not diff:
        return subscription
    before = _snapshot(subscription)
    for name, value in diff.items():
        setattr(subscription, name, value)
    if diff.get("active") is True:
        subscription.consecutive_failures = 0
        subscription.disabled_reason = ""
        subscription.disabled_at = None
    elif diff.get("active") is False:
        subscription.disabled_reason = f"Turned off by {actor.user.display_name}."
        subscription.disabled_at = timezone.now()
    subscription.updated_at = timezone.now()
    subscription.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="webhook.update", obj=subscription,
        before=before, after=_snapshot(subscription),
    )  # fmt: skip
    return subscription


@transaction.atomic
def webhook_secret_rotate(*, actor: Actor, subscription: WebhookSubscription) -> IssuedSecret:
    """Give the subscription a new signing secret (admins only); the old one stops signing at once."""
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    _check_tenant(actor, subscription)
    secret = secret_generate()
    subscription.secret_encrypted = secret_encrypt(secret)
    subscription.secret_hint = secret_hint(secret)
    subscription.updated_at = timezone.now()
    subscription.save(update_fields=["secret_encrypted", "secret_hint", "updated_at"])
    audit_record(tenant=actor.tenant, actor=actor.user, action="webhook.rotate_secret", obj=subscription)
    return IssuedSecret(subscription=subscription, secret=secret)


@transaction.atomic
def webhook_delete(*, actor: Actor, subscription: WebhookSubscription) -> None:
    """Delete a subscription with its delivery log (admins only); pending deliveries are dropped."""
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    _check_tenant(actor, subscription)
    before = _snapshot(subscription)
    subscription_id = subscription.pk
    subscription.delete()
    subscription.pk = subscription_id
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="webhook.delete", obj=subscription, before=before
    )


# ------------------------------------------------------------------------------------------ deliveries


def _body(*, delivery: WebhookDelivery, tenant: Tenant, data: dict[str, Any]) -> str:
    envelope = {
        "id": str(delivery.uid),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "tenant": {"id": tenant.pk, "slug": tenant.slug},
        "data": data,
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, default=str)


def _delivery_enqueue(
    *, tenant: Tenant, subscription: WebhookSubscription, event: str, data: dict[str, Any], is_test: bool
) -> WebhookDelivery:
    delivery = WebhookDelivery(
        tenant=tenant, subscription=subscription, event=event, is_test=is_test, body=""
    )
    delivery.body = _body(delivery=delivery, tenant=tenant, data=data)
    delivery.save(force_insert=True)
    # A test answers on the page at once: one attempt, no retries.
    job = job_enqueue(
        job_type=JOB_TYPE,
        payload={"delivery_id": delivery.pk},
        tenant=tenant,
        max_attempts=1 if is_test else None,
    )
    delivery.job_id = job.pk
    delivery.save(update_fields=["job_id"])
    return delivery


def deliveries_for_event(*, tenant_id: int, event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Write a delivery (and enqueue its job) for every active subscription of the tenant listening to
    ``event``; return them. Runs after the writer's commit, so it is its own transaction."""
    if event == "job.failed" and data.get("type") == JOB_TYPE:
        # A delivery that failed for good must not become an event to deliver: with a subscriber
        # that is down, that would be a loop.
        return []
    with transaction.atomic():
        # One query for a tenant without webhooks, the common case on every write.
        subscriptions = [
            subscription
            for subscription in WebhookSubscription.objects.for_tenant(tenant_id)
            .filter(active=True)
            .select_related("tenant")
            .order_by("pk")
            if subscription.listens_to(event)
        ]
        return [
            _delivery_enqueue(
                tenant=subscription.tenant, subscription=subscription, event=event, data=data, is_test=False
            )
            for subscription in subscriptions
        ]


@transaction.atomic
def webhook_test_send(*, actor: Actor, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery (admins only), to a disabled subscription too; returns it."""
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    _check_tenant(actor, subscription)
    data = {
        "message": "A test event from Leora: your endpoint is reachable and can check the signature.",
        "subscription_id": subscription.pk,
        "sent_by": actor.user.display_name,
    }
    return _delivery_enqueue(
        tenant=actor.tenant, subscription=subscription, event=TEST_EVENT, data=data, is_test=True
    )


class DeliveryFailed(Exception):
    """One attempt failed in a way worth trying again (an error status, a network problem)."""


def _headers(delivery: WebhookDelivery, secret: str, body: bytes, now: datetime) -> dict[str, str]:
    return {
        SIGNATURE_HEADER: signature_header(secret=secret, body=body, timestamp=int(now.timestamp())),
        "Leora-Event": delivery.event,
        "Leora-Delivery": str(delivery.uid),
        "User-Agent": "Leora-Webhooks/1",
    }


def delivery_attempt(*, delivery: WebhookDelivery, attempt: int, last_attempt: bool) -> dict[str, Any]:
    """Make attempt number ``attempt`` of ``delivery`` and log it; returns what the job records.

    Raises DeliveryFailed when the attempt failed and another may follow (the queue retries with
    backoff). A last failure, or a refusal of the SSRF guard (which a retry would meet again), ends
    the delivery ``failed`` and counts towards disabling the subscription.
    """
    subscription = delivery.subscription
    if not subscription.active and not delivery.is_test:
        delivery.status = DeliveryStatus.FAILED
        delivery.error = "the webhook was turned off before this delivery was sent"
        delivery.finished_at = timezone.now()
        delivery.save(update_fields=["status", "error", "finished_at"])
        return {"delivered": False, "skipped": True}
    now = timezone.now()
    body = delivery.body.encode()
    try:
        secret = secret_decrypt(subscription.secret_encrypted)
    except SecretUnreadable as exc:
        exchange = transport.Exchange(url=subscription.url, error=str(exc), refused=True)
    else:
        exchange = transport.post(subscription.url, body=body, headers=_headers(delivery, secret, body, now))
    final = exchange.succeeded or exchange.refused or last_attempt
    with transaction.atomic():
        WebhookAttempt.objects.create_for(
            delivery.tenant, delivery=delivery, number=attempt, url=exchange.url[:URL_MAX_LENGTH],
            response_status=exchange.status, duration_ms=exchange.duration_ms, error=exchange.error[:500],
            response_snippet=exchange.snippet[:500], succeeded=exchange.succeeded, created_at=now,
        )  # fmt: skip
        delivery.attempts = attempt
        delivery.response_status = exchange.status
        delivery.duration_ms = exchange.duration_ms
        delivery.error = exchange.error[:500]
        if final:
            delivery.status = DeliveryStatus.SUCCEEDED if exchange.succeeded else DeliveryStatus.FAILED
            delivery.finished_at = timezone.now()
        delivery.save(
            update_fields=["attempts", "response_status", "duration_ms", "error", "status", "finished_at"]
        )
        if final and not delivery.is_test:
            _count_outcome(subscription, succeeded=exchange.succeeded)
        if final:
            delivery_log_prune(subscription=subscription)
    result: dict[str, Any] = {
        "delivered": exchange.succeeded,
        "status": exchange.status,
        "duration_ms": exchange.duration_ms,
        "attempt": attempt,
    }
    if not final:
        raise DeliveryFailed(exchange.error or "delivery failed")
    if exchange.error:
        result["error"] = exchange.error
    return result


def delivery_log_prune(*, subscription: WebhookSubscription, now: datetime | None = None) -> int:
    """Delete the subscription's finished deliveries older than LOG_RETENTION_DAYS; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=LOG_RETENTION_DAYS)
    old = WebhookDelivery.objects.for_tenant(subscription.tenant_id).filter(
        subscription=subscription, created_at__lt=cutoff, finished_at__isnull=False
    )
    deleted, _ = old.delete()
    return deleted


def _count_outcome(subscription: WebhookSubscription, *, succeeded: bool) -> None:
    """Reset or extend the subscription's run of failed deliveries; switch it off at the limit."""
    locked = WebhookSubscription.objects.for_tenant(subscription.tenant_id).select_for_update()
    current = locked.get(pk=subscription.pk)
    if succeeded:
        if current.consecutive_failures:
            current.consecutive_failures = 0
            current.save(update_fields=["consecutive_failures"])
        return
    current.consecutive_failures += 1
    fields = ["consecutive_failures"]
    switched_off = current.active and current.consecutive_failures >= disable_after()
    if switched_off:
        current.active = False
        current.disabled_at = timezone.now()
        current.disabled_reason = (
            f"{AUTO_DISABLED_PREFIX} after {current.consecutive_failures} deliveries failed in a row."
        )
        fields += ["active", "disabled_at", "disabled_reason"]
    current.save(update_fields=fields)
    if switched_off:
        _notify_disabled(current)


def _notify_disabled(subscription: WebhookSubscription) -> None:
    from leora.notifications.services import notification_create

    tenant = subscription.tenant
    url = reverse("webhook_detail", args=[subscription.pk])
    admins = Membership.objects.select_related("user").filter(
        tenant=tenant, role=Role.ADMIN, user__is_active=True
    )
    for membership in admins.order_by("user_id"):
        notification_create(
            tenant=tenant, user=membership.user, kind="webhook_disabled",
            title=f"Webhook to {subscription.url} turned off"[:200],
            body=(
                f"{subscription.consecutive_failures} deliveries in a row failed, so Leora stopped sending "
                "to this URL. Fix the endpoint, send a test event, then turn the webhook back on."
            ),
            url=url,
        )  # fmt: skip
    log.warning("event=webhook.disabled tenant=%s webhook=%s", tenant.pk, subscription.pk)


def on_business_event(sender: Any, *, tenant_id: int, event: str, data: dict[str, Any], **_: Any) -> None:
    """The business_event receiver: never lets a webhook problem reach the request that committed."""
    try:
        deliveries_for_event(tenant_id=tenant_id, event=event, data=data)
    except Exception:
        log.exception("event=webhook.enqueue_failed tenant=%s event=%s", tenant_id, event)
