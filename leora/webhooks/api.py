"""The webhooks API (admins): subscriptions, their delivery log and test events."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.errors import InvalidInput
from leora.pagination import ListParams, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of
from leora.webhooks.models import DeliveryStatus, WebhookSubscription
from leora.webhooks.schemas import DeliveryFilters, DeliveryOut, WebhookIn, WebhookOut, WebhookPatch
from leora.webhooks.selectors import delivery_list, webhook_get, webhook_list
from leora.webhooks.services import (
    webhook_create,
    webhook_delete,
    webhook_secret_rotate,
    webhook_test_send,
    webhook_update,
)

router = Router()


def _out(subscription: WebhookSubscription, secret: str | None = None) -> WebhookSubscription:
    subscription.secret = secret  # type: ignore[attr-defined]
    return subscription


@router.get("", response=page_of(WebhookOut), summary="List webhooks (admins)")
def list_webhooks(request: HttpRequest, filters: Query[ListParams]) -> dict[str, Any]:
    return paginate(webhook_list(actor=actor_of(request)), filters)


@router.post("", response={201: WebhookOut}, summary="Create a webhook; the answer holds its secret, once")
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[Any]:
    issued = webhook_create(actor=actor_of(request), **payload.model_dump())
    return Status(201, _out(issued.subscription, issued.secret))


@router.get("/{webhook_id}", response=WebhookOut, summary="Get a webhook (admins)")
def get_webhook(request: HttpRequest, webhook_id: int) -> Any:
    return _out(webhook_get(actor=actor_of(request), webhook_id=webhook_id))


@router.patch("/{webhook_id}", response=WebhookOut, summary="Update a webhook, or rotate its secret")
def update_webhook(request: HttpRequest, webhook_id: int, payload: WebhookPatch) -> Any:
    actor = actor_of(request)
    subscription = webhook_get(actor=actor, webhook_id=webhook_id)
    changes = patch_changes(payload)
    rotate = changes.pop("rotate_secret", False)
    with transaction.atomic():
        subscription = webhook_update(actor=actor, subscription=subscription, changes=changes)
        if rotate:
            issued = webhook_secret_rotate(actor=actor, subscription=subscription)
            return _out(issued.subscription, issued.secret)
    return _out(subscription)


@router.delete("/{webhook_id}", response={204: None}, summary="Delete a webhook and its delivery log")
def delete_webhook(request: HttpRequest, webhook_id: int) -> Status[None]:
    actor = actor_of(request)
    webhook_delete(actor=actor, subscription=webhook_get(actor=actor, webhook_id=webhook_id))
    return Status(204, None)


@router.get(
    "/{webhook_id}/deliveries", response=page_of(DeliveryOut), summary="A webhook's deliveries, newest first"
)
def list_deliveries(request: HttpRequest, webhook_id: int, filters: Query[DeliveryFilters]) -> dict[str, Any]:
    actor = actor_of(request)
    deliveries = delivery_list(actor=actor, subscription=webhook_get(actor=actor, webhook_id=webhook_id))
    if filters.status is not None:
        if filters.status not in DeliveryStatus.values:
            raise InvalidInput.on("status", f"choose one of {', '.join(DeliveryStatus.values)}")
        deliveries = deliveries.filter(status=filters.status)
    return paginate(deliveries, filters)


@router.post("/{webhook_id}/test", response={202: DeliveryOut}, summary="Send a webhook.test event")
def send_test(request: HttpRequest, webhook_id: int) -> Status[Any]:
    actor = actor_of(request)
    delivery = webhook_test_send(actor=actor, subscription=webhook_get(actor=actor, webhook_id=webhook_id))
    return Status(202, delivery)
