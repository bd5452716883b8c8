"""Reads of webhooks: always from the actor's tenant, for admins only (another tenant's id is a 404)."""

from __future__ import annotations

from typing import cast

from django.db.models import Count, Max, QuerySet

from leora.errors import NotFound
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role
from leora.webhooks.models import WebhookDelivery, WebhookSubscription
from leora.webhooks.services import ADMINS_ONLY


def webhook_list(*, actor: Actor) -> QuerySet[WebhookSubscription]:
    """Return the tenant's subscriptions, newest first, each with ``last_delivery_at`` and
    ``delivery_count`` annotated."""
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    subscriptions = WebhookSubscription.objects.for_tenant(actor.tenant).annotate(
        last_delivery_at=Max("deliveries__created_at"), delivery_count=Count("deliveries")
    )
    return cast("QuerySet[WebhookSubscription]", subscriptions.order_by("-created_at", "-pk"))


def webhook_get(*, actor: Actor, webhook_id: int) -> WebhookSubscription:
    """Return the tenant's subscription ``webhook_id``; NotFound when it is missing or another tenant's."""
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    subscription = WebhookSubscription.objects.for_tenant(actor.tenant).filter(pk=webhook_id).first()
    if subscription is None:
        raise NotFound("webhook not found")
    return subscription


def delivery_list(*, actor: Actor, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    """Return the subscription's deliveries, newest first, with their attempts prefetched."""
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    if subscription.tenant_id != actor.tenant.pk:
        raise NotFound("webhook not found")
    return (
        WebhookDelivery.objects.for_tenant(actor.tenant)
        .filter(subscription=subscription)
        .prefetch_related("attempt_log")
        .order_by("-created_at", "-pk")
    )
