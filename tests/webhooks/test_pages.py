"""The webhooks pages: admins list, add (the secret shown once), edit, test, rotate, turn off and delete;
other roles get 403 and another tenant's webhook a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from leora.tenancy.models import User
from leora.tenancy.scoping import scopes_disabled
from leora.webhooks.models import WebhookDelivery, WebhookSubscription
from leora.webhooks.secrets import secret_decrypt
from tests.conftest import World
from tests.webhooks.conftest import Receiver, run_deliveries, subscribe

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored(pk: int) -> WebhookSubscription:
    with scopes_disabled():
        return WebhookSubscription.objects.get(pk=pk)


def test_the_list_shows_each_webhook_with_its_status(world: World, receiver: Receiver) -> None:
    subscribe(world.acme, world.admin, receiver.url("/on"), ["order.created"])
    subscribe(world.acme, world.admin, receiver.url("/off"), active=False)

    response = signed_in(world.admin).get("/webhooks/")

    html = response.content.decode()
    assert response.status_code == 200
    assert receiver.url("/on") in html and receiver.url("/off") in html
    assert "order.created" in html
    assert ">Active<" in html and ">Off<" in html


def test_adding_a_webhook_in_the_modal_shows_its_secret_once(world: World, receiver: Receiver) -> None:
    client = signed_in(world.admin)

    response = client.post(
        "/webhooks/new/",
        {"url": receiver.url(), "events": ["customer.created", "task.assigned"], "active": "on"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "records-changed" in response["HX-Trigger"]
    with scopes_disabled():
        subscription = WebhookSubscription.objects.get()
    secret = secret_decrypt(subscription.secret_encrypted)
    assert secret in response.content.decode()
    assert subscription.events == ["customer.created", "task.assigned"]
    assert secret not in client.get(f"/webhooks/{subscription.pk}/").content.decode()


def test_a_private_url_is_refused_inline_with_422(world: World, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False

    response = signed_in(world.admin).post(
        "/webhooks/new/", {"url": "http://169.254.169.254/", "events": ["order.created"]}, headers=HTMX
    )

    assert response.status_code == 422
    assert "169.254.169.254 is a link-local address" in response.content.decode()
    with scopes_disabled():
        assert not WebhookSubscription.objects.exists()


def test_no_event_chosen_is_refused_inline(world: World, receiver: Receiver) -> None:
    response = signed_in(world.admin).post("/webhooks/new/", {"url": receiver.url()}, headers=HTMX)

    assert response.status_code == 422
    assert "Choose at least one event to send." in response.content.decode()


def test_editing_changes_the_url_and_events(world: World, receiver: Receiver) -> None:
    subscription = subscribe(world.acme, world.admin, receiver.url()).subscription

    response = signed_in(world.admin).post(
        f"/webhooks/{subscription.pk}/edit/",
        {"url": receiver.url("/v2"), "events": ["order.created"], "active": "on"},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert (stored(subscription.pk).url, stored(subscription.pk).events) == (
        receiver.url("/v2"),
        ["order.created"],
    )


def test_send_test_event_queues_a_delivery_that_the_log_shows(world: World, receiver: Receiver) -> None:
    subscription = subscribe(world.acme, world.admin, receiver.url()).subscription
    client = signed_in(world.admin)

    response = client.post(f"/webhooks/{subscription.pk}/test/", headers=HTMX)
    pending = client.get(f"/webhooks/{subscription.pk}/", headers=HTMX).content.decode()
    run_deliveries()
    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()

    assert response.status_code == 200
    assert "Test event queued" in response["HX-Trigger"]
    assert "every 2s" in pending
    assert "webhook.test" in page and ">Delivered<" in page and "every 2s" not in page
    assert len(receiver.requests) == 1


def test_rotating_the_secret_shows_the_new_one(world: World, receiver: Receiver) -> None:
    issued = subscribe(world.acme, world.admin, receiver.url())

    response = signed_in(world.admin).post(f"/webhooks/{issued.subscription.pk}/secret/", headers=HTMX)

    new_secret = secret_decrypt(stored(issued.subscription.pk).secret_encrypted)
    assert new_secret != issued.secret
    assert new_secret in response.content.decode()


def test_turning_a_webhook_off_and_on(world: World, receiver: Receiver) -> None:
    subscription = subscribe(world.acme, world.admin, receiver.url()).subscription
    client = signed_in(world.admin)

    client.post(f"/webhooks/{subscription.pk}/active/", headers=HTMX)
    assert stored(subscription.pk).active is False
    client.post(f"/webhooks/{subscription.pk}/active/", {"active": "on"}, headers=HTMX)
    assert stored(subscription.pk).active is True


def test_deleting_a_webhook_goes_back_to_the_list(world: World, receiver: Receiver) -> None:
    subscription = subscribe(world.acme, world.admin, receiver.url()).subscription

    response = signed_in(world.admin).post(f"/webhooks/{subscription.pk}/delete/", headers=HTMX)

    assert response["HX-Redirect"] == "/webhooks/"
    with scopes_disabled():
        assert not WebhookSubscription.objects.exists()
        assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("role", ["manager", "rep1"])
def test_only_admins_see_the_webhook_pages(world: World, receiver: Receiver, role: str) -> None:
    subscription = subscribe(world.acme, world.admin, receiver.url()).subscription
    client = signed_in(getattr(world, role))

    assert client.get("/webhooks/").status_code == 403
    assert client.get("/webhooks/new/").status_code == 403
    assert client.get(f"/webhooks/{subscription.pk}/").status_code == 403
    assert client.post(f"/webhooks/{subscription.pk}/test/").status_code == 403
    assert client.post(f"/webhooks/{subscription.pk}/delete/").status_code == 403
    assert "Webhooks" not in client.get("/").content.decode().split("<main")[0]


def test_another_tenants_webhook_is_not_found(world: World, receiver: Receiver) -> None:
    theirs = subscribe(world.other, world.other_admin, receiver.url()).subscription
    client = signed_in(world.admin)

    for path in ("", "edit/", "secret/"):
        assert client.get(f"/webhooks/{theirs.pk}/{path}").status_code == 404
    for path in ("test/", "active/", "delete/"):
        assert client.post(f"/webhooks/{theirs.pk}/{path}").status_code == 404
    assert stored(theirs.pk).active
    assert receiver.url() not in client.get("/webhooks/").content.decode()


def test_the_list_page_reads_in_the_same_queries_whatever_the_number_of_webhooks(
    world: World, receiver: Receiver, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.admin)
    subscribe(world.acme, world.admin, receiver.url("/1"))
    client.get("/webhooks/")
    with django_assert_num_queries(5) as one:
        client.get("/webhooks/")
    for n in range(2, 5):
        subscribe(world.acme, world.admin, receiver.url(f"/{n}"))

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/webhooks/")

    assert response.content.decode().count('class="webhook-url') == 4


def test_the_delivery_log_reads_in_the_same_queries_whatever_the_number_of_deliveries(
    world: World, receiver: Receiver, django_assert_num_queries: Any
) -> None:
    from leora.webhooks.services import webhook_test_send
    from tests import factories

    subscription = subscribe(world.acme, world.admin, receiver.url()).subscription
    actor = factories.actor(world.acme, world.admin)
    client = signed_in(world.admin)
    webhook_test_send(actor=actor, subscription=subscription)
    run_deliveries()
    client.get(f"/webhooks/{subscription.pk}/")
    with django_assert_num_queries(7) as one:
        client.get(f"/webhooks/{subscription.pk}/")
    for _ in range(3):
        webhook_test_send(actor=actor, subscription=subscription)
    run_deliveries()

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(f"/webhooks/{subscription.pk}/")

    assert response.content.decode().count('data-testid="delivery-row"') == 4


def test_without_javascript_the_secret_is_shown_on_a_page_of_its_own(
    world: World, receiver: Receiver
) -> None:
    response = signed_in(world.admin).post(
        "/webhooks/new/", {"url": receiver.url(), "events": ["order.created"]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    with scopes_disabled():
        subscription = WebhookSubscription.objects.get()
    assert secret_decrypt(subscription.secret_encrypted) in html
    assert "<html" in html and "← Webhooks" in html
