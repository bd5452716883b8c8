"""/api/webhooks: admins manage subscriptions, read the delivery log and send test events; a URL on a
private address is refused with 422; other roles get 403 and another tenant's webhook is a 404."""

from __future__ import annotations

from typing import Any

import pytest

from leora.tenancy.models import AuditEvent
from leora.tenancy.scoping import scopes_disabled
from leora.webhooks.models import WebhookSubscription
from leora.webhooks.secrets import secret_decrypt
from tests.conftest import World
from tests.webhooks.conftest import Receiver, run_deliveries, subscribe

pytestmark = pytest.mark.django_db


def create(api: Any, url: str, events: list[str] | None = None, **fields: Any) -> Any:
    return api.post(
        "/api/webhooks", {"url": url, "events": ["order.created"] if events is None else events, **fields}
    )


def test_creating_a_webhook_answers_its_secret_once(world: World, api_as: Any, receiver: Receiver) -> None:
    api = api_as(world.admin)

    response = create(api, receiver.url(), ["order.created", "customer.created"], description="ERP sync")

    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret_hint"] == "…" + body["secret"][-4:]
    # the events come back in the catalogue's order
    assert body["events"] == ["customer.created", "order.created"]
    assert body["description"] == "ERP sync"
    with scopes_disabled():
        stored = WebhookSubscription.objects.get(pk=body["id"])
        assert AuditEvent.objects.filter(action="webhook.create", object_id=str(stored.pk)).exists()
    assert body["secret"] not in stored.secret_encrypted
    assert secret_decrypt(stored.secret_encrypted) == body["secret"]
    assert api.get(f"/api/webhooks/{body['id']}").json()["secret"] is None
    assert api.get("/api/webhooks").json()["items"][0]["secret"] is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://10.0.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://localhost/hook",
    ],
)
def test_a_url_on_a_private_address_is_refused_with_422(world: World, api_as: Any, url: str) -> None:
    response = create(api_as(world.admin), url)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "url"
    assert "Leora only calls public addresses" in error["message"]
    with scopes_disabled():
        assert not WebhookSubscription.objects.exists()


def test_changing_the_url_to_a_private_address_is_refused_with_422(
    world: World, api_as: Any, receiver: Receiver, settings: Any
) -> None:
    api = api_as(world.admin)
    webhook_id = create(api, receiver.url()).json()["id"]
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = api.patch(f"/api/webhooks/{webhook_id}", {"url": "http://192.168.1.20/hook"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "url"
    assert api.get(f"/api/webhooks/{webhook_id}").json()["url"] == receiver.url()


def test_unknown_and_missing_events_are_422_on_events(world: World, api_as: Any, receiver: Receiver) -> None:
    api = api_as(world.admin)

    unknown = create(api, receiver.url(), ["order.shipped"])
    empty = create(api, receiver.url(), [])

    assert unknown.status_code == empty.status_code == 422
    [error] = unknown.json()["errors"]
    assert error["field"] == "events"
    assert "order.shipped" in error["message"]
    assert empty.json()["errors"][0]["field"] == "events"


def test_patch_changes_events_and_turning_on_clears_the_failures(
    world: World, api_as: Any, receiver: Receiver
) -> None:
    api = api_as(world.admin)
    webhook_id = create(api, receiver.url()).json()["id"]
    with scopes_disabled():
        WebhookSubscription.objects.filter(pk=webhook_id).update(
            active=False, consecutive_failures=10, disabled_reason="Turned off automatically after 10"
        )

    response = api.patch(f"/api/webhooks/{webhook_id}", {"active": True, "events": ["task.assigned"]})

    assert response.status_code == 200
    body = response.json()
    assert (body["active"], body["consecutive_failures"], body["disabled_reason"]) == (True, 0, "")
    assert body["events"] == ["task.assigned"]
    assert body["secret"] is None


def test_patch_can_rotate_the_secret(world: World, api_as: Any, receiver: Receiver) -> None:
    api = api_as(world.admin)
    created = create(api, receiver.url()).json()

    rotated = api.patch(f"/api/webhooks/{created['id']}", {"rotate_secret": True}).json()

    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    with scopes_disabled():
        stored = WebhookSubscription.objects.get(pk=created["id"])
    assert secret_decrypt(stored.secret_encrypted) == rotated["secret"]


def test_delete_removes_the_webhook(world: World, api_as: Any, receiver: Receiver) -> None:
    api = api_as(world.admin)
    webhook_id = create(api, receiver.url()).json()["id"]

    assert api.delete(f"/api/webhooks/{webhook_id}").status_code == 204

    assert api.get(f"/api/webhooks/{webhook_id}").status_code == 404


def test_a_test_event_is_queued_and_its_delivery_listed_with_attempts(
    world: World, api_as: Any, receiver: Receiver
) -> None:
    api = api_as(world.admin)
    webhook_id = create(api, receiver.url()).json()["id"]

    queued = api.post(f"/api/webhooks/{webhook_id}/test")
    run_deliveries()
    listed = api.get(f"/api/webhooks/{webhook_id}/deliveries")

    assert queued.status_code == 202
    assert queued.json()["status"] == "pending"
    assert listed.status_code == 200
    [delivery] = listed.json()["items"]
    assert delivery["id"] == queued.json()["id"]
    assert (delivery["event"], delivery["status"], delivery["response_status"]) == (
        "webhook.test",
        "succeeded",
        200,
    )
    assert delivery["is_test"] is True
    [attempt] = delivery["attempt_log"]
    assert attempt["number"] == 1 and attempt["succeeded"] is True
    assert api.get(f"/api/webhooks/{webhook_id}/deliveries", status="failed").json()["total"] == 0
    assert api.get(f"/api/webhooks/{webhook_id}/deliveries", status="lost").status_code == 422


@pytest.mark.parametrize("role", ["manager", "rep1"])
def test_only_admins_may_use_the_webhooks_api(
    world: World, api_as: Any, receiver: Receiver, role: str
) -> None:
    webhook_id = subscribe(world.acme, world.admin, receiver.url()).subscription.pk
    api = api_as(getattr(world, role))

    assert api.get("/api/webhooks").status_code == 403
    assert create(api, receiver.url()).status_code == 403
    assert api.get(f"/api/webhooks/{webhook_id}/deliveries").status_code == 403
    assert api.post(f"/api/webhooks/{webhook_id}/test").status_code == 403
    assert api.delete(f"/api/webhooks/{webhook_id}").status_code == 403


def test_another_tenants_webhook_is_not_found(world: World, api_as: Any, receiver: Receiver) -> None:
    theirs = subscribe(world.other, world.other_admin, receiver.url()).subscription.pk
    api = api_as(world.admin)

    assert api.get("/api/webhooks").json()["total"] == 0
    assert api.get(f"/api/webhooks/{theirs}").status_code == 404
    assert api.patch(f"/api/webhooks/{theirs}", {"active": False}).status_code == 404
    assert api.delete(f"/api/webhooks/{theirs}").status_code == 404
    assert api.get(f"/api/webhooks/{theirs}/deliveries").status_code == 404
    assert api.post(f"/api/webhooks/{theirs}/test").status_code == 404
    with scopes_disabled():
        assert WebhookSubscription.objects.get(pk=theirs).active
