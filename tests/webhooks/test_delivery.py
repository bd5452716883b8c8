"""Deliveries for real: a business event becomes a signed POST to a local receiver, retried on failure,
logged attempt by attempt; repeated failures turn the subscription off and tell the admins."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from leora.crm.services.customers import customer_create
from leora.notifications.models import Notification
from leora.tenancy.scoping import scopes_disabled
from leora.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription
from leora.webhooks.services import webhook_test_send
from tests import factories
from tests.conftest import World
from tests.webhooks.conftest import Receiver, run_deliveries, subscribe

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def documented_verifier() -> Any:
    """Return verify_leora_signature as docs/webhooks.md prints it, for subscribers to copy."""
    text = DOCS.read_text(encoding="utf-8")
    [code] = [
        block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify_leora" in block
    ]
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # noqa: S102 (our own documentation)
    return namespace["verify_leora_signature"]


def create_customer(world: World, name: str = "Blue Door Bistro") -> Any:
    return customer_create(actor=factories.actor(world.acme, world.admin), name=name)


def deliveries(subscription: WebhookSubscription) -> list[WebhookDelivery]:
    with scopes_disabled():
        return list(WebhookDelivery.objects.filter(subscription=subscription).order_by("pk"))


def test_a_created_customer_is_posted_signed_with_the_documented_scheme(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    issued = subscribe(world.acme, world.admin, receiver.url("/hooks/leora"))
    with django_capture_on_commit_callbacks(execute=True):
        customer = create_customer(world)

    run_deliveries()

    [request] = receiver.requests
    assert request.path == "/hooks/leora"
    assert documented_verifier()(issued.secret, request.headers["Leora-Signature"], request.body)
    assert not documented_verifier()("whsec_wrong", request.headers["Leora-Signature"], request.body)
    body = json.loads(request.body)
    assert body["event"] == "customer.created"
    assert body["data"]["id"] == customer.pk
    assert body["data"]["name"] == "Blue Door Bistro"
    assert body["tenant"] == {"id": world.acme.pk, "slug": "acme"}
    [delivery] = deliveries(issued.subscription)
    assert request.headers["Leora-Event"] == "customer.created"
    assert request.headers["Leora-Delivery"] == str(delivery.uid) == body["id"]
    assert request.headers["Content-Type"] == "application/json"
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.response_status == 200


def test_a_500_is_retried_and_the_second_attempt_delivers(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    issued = subscribe(world.acme, world.admin, receiver.url())
    receiver.answer(500, b"database is down")
    with django_capture_on_commit_callbacks(execute=True):
        create_customer(world)

    run_deliveries()
    [delivery] = deliveries(issued.subscription)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    run_deliveries()

    [delivery] = deliveries(issued.subscription)
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert delivery.attempts == 2
    with scopes_disabled():
        attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.response_status, a.succeeded) for a in attempts] == [(1, 500, False), (2, 200, True)]
    assert attempts[0].response_snippet == "database is down"
    assert attempts[0].error == "answered HTTP 500"
    assert all(a.duration_ms >= 0 for a in attempts)
    assert len(receiver.requests) == 2
    # The same bytes on every attempt: the subscriber can de-duplicate by the delivery id.
    assert receiver.requests[0].body == receiver.requests[1].body


def test_repeated_failed_deliveries_turn_the_webhook_off_and_notify_the_admins(
    world: World, receiver: Receiver, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 2
    issued = subscribe(world.acme, world.admin, receiver.url())
    for _ in range(2):
        receiver.answer(503)
        with django_capture_on_commit_callbacks(execute=True):
            create_customer(world)
    from leora.jobs.models import Job

    # One attempt each, so each delivery fails for good at once.
    Job.objects.filter(type="webhook_dispatch").update(max_attempts=1)

    run_deliveries()

    with scopes_disabled():
        subscription = WebhookSubscription.objects.get(pk=issued.subscription.pk)
        [note] = Notification.objects.filter(user=world.admin, kind="webhook_disabled")
        assert not Notification.objects.filter(user=world.manager, kind="webhook_disabled").exists()
    assert [d.status for d in deliveries(subscription)] == [DeliveryStatus.FAILED, DeliveryStatus.FAILED]
    assert subscription.active is False
    assert subscription.switched_off_by_failures
    assert subscription.consecutive_failures == 2
    assert note.url == f"/webhooks/{subscription.pk}/"
    assert "2 deliveries in a row failed" in note.body
    # and it is sent nothing more
    with django_capture_on_commit_callbacks(execute=True):
        create_customer(world, "Fig & Vine")
    assert len(deliveries(subscription)) == 2


def test_a_success_resets_the_run_of_failures(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    issued = subscribe(world.acme, world.admin, receiver.url())
    with scopes_disabled():
        WebhookSubscription.objects.filter(pk=issued.subscription.pk).update(consecutive_failures=4)
    with django_capture_on_commit_callbacks(execute=True):
        create_customer(world)

    run_deliveries()

    with scopes_disabled():
        assert WebhookSubscription.objects.get(pk=issued.subscription.pk).consecutive_failures == 0


def test_a_url_that_became_private_is_refused_at_delivery_without_retries(
    world: World, receiver: Receiver, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    issued = subscribe(world.acme, world.admin, receiver.url())
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        create_customer(world)

    run_deliveries()

    [delivery] = deliveries(issued.subscription)
    assert receiver.requests == []
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.error.startswith("refused: 127.0.0.1 is a loopback address")


def test_a_test_event_is_delivered_once_and_logged(world: World, receiver: Receiver) -> None:
    issued = subscribe(world.acme, world.admin, receiver.url(), active=False)

    delivery = webhook_test_send(
        actor=factories.actor(world.acme, world.admin), subscription=issued.subscription
    )
    run_deliveries()

    [request] = receiver.requests
    assert json.loads(request.body)["event"] == "webhook.test"
    assert request.headers["Leora-Event"] == "webhook.test"
    [logged] = deliveries(issued.subscription)
    assert logged.pk == delivery.pk
    assert logged.is_test
    assert logged.status == DeliveryStatus.SUCCEEDED


def test_a_failed_test_event_is_not_retried_and_does_not_count_as_a_failure(
    world: World, receiver: Receiver
) -> None:
    issued = subscribe(world.acme, world.admin, receiver.url())
    receiver.answer(404, b"no such hook")

    webhook_test_send(actor=factories.actor(world.acme, world.admin), subscription=issued.subscription)
    run_deliveries()
    run_deliveries()

    [delivery] = deliveries(issued.subscription)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_status == 404
    assert len(receiver.requests) == 1
    with scopes_disabled():
        assert WebhookSubscription.objects.get(pk=issued.subscription.pk).consecutive_failures == 0


def test_only_subscriptions_to_the_event_and_active_ones_get_a_delivery(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    listening = subscribe(world.acme, world.admin, receiver.url("/a"), ["customer.created"])
    other_event = subscribe(world.acme, world.admin, receiver.url("/b"), ["order.created"])
    inactive = subscribe(world.acme, world.admin, receiver.url("/c"), ["customer.created"], active=False)

    with django_capture_on_commit_callbacks(execute=True):
        create_customer(world)

    assert len(deliveries(listening.subscription)) == 1
    assert deliveries(other_event.subscription) == []
    assert deliveries(inactive.subscription) == []


def test_another_tenants_events_reach_no_subscription_of_this_tenant(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    acme_hook = subscribe(world.acme, world.admin, receiver.url("/acme"))
    other_hook = subscribe(world.other, world.other_admin, receiver.url("/other"))

    with django_capture_on_commit_callbacks(execute=True):
        customer_create(actor=factories.actor(world.other, world.other_admin), name="Other's bar")
    run_deliveries()

    assert deliveries(acme_hook.subscription) == []
    assert len(deliveries(other_hook.subscription)) == 1
    assert [r.path for r in receiver.requests] == ["/other"]


def test_a_rolled_back_change_sends_nothing(
    world: World, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    issued = subscribe(world.acme, world.admin, receiver.url())
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                create_customer(world)
                raise RuntimeError("the rest of the import failed")
        except RuntimeError:
            pass

    assert deliveries(issued.subscription) == []


def test_finished_deliveries_older_than_thirty_days_are_pruned_as_new_ones_finish(
    world: World, receiver: Receiver
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    issued = subscribe(world.acme, world.admin, receiver.url())
    actor = factories.actor(world.acme, world.admin)
    old = webhook_test_send(actor=actor, subscription=issued.subscription)
    run_deliveries()
    with scopes_disabled():
        WebhookDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    new = webhook_test_send(actor=actor, subscription=issued.subscription)
    run_deliveries()

    assert [d.pk for d in deliveries(issued.subscription)] == [new.pk]
    with scopes_disabled():
        assert not WebhookAttempt.objects.filter(delivery_id=old.pk).exists()
