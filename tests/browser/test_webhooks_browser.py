"""Webhooks in a real browser: an admin adds a subscription to a local receiver, copies the secret shown
once, sends a test event and sees it delivered in the log; the pages at desktop and phone widths."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leora.tenancy.scoping import scopes_disabled
from leora.webhooks.models import WebhookSubscription
from tests.conftest import World
from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks.conftest import Receiver, run_deliveries, subscribe

pytestmark = pytest.mark.browser

# The local HTTP receiver of the webhooks tests (a real server on 127.0.0.1).
_receiver_server = webhook_fixtures._receiver_server
receiver = webhook_fixtures.receiver


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways ({width}px in {viewport}px)"


def test_an_admin_adds_a_webhook_sends_a_test_event_and_sees_it_delivered(
    world: World,
    receiver: Receiver,
    desktop: Any,
    sign_in: Any,
    toast_shown: Any,
    screenshot: Any,
) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/webhooks/")
    page.get_by_text("No webhooks yet").wait_for()

    # given the New webhook form in the modal
    page.locator("#webhook-new-open").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="New webhook").wait_for()
    dialog.get_by_label("URL").fill(receiver.url("/hooks/leora"))
    dialog.get_by_label("Description").fill("ERP order sync")
    dialog.get_by_label("customer.created").check()
    dialog.get_by_label("order.created").check()
    screenshot(page, "webhooks-form-desktop", full_page=False)

    # when it is saved, the secret is shown once
    dialog.get_by_role("button", name="Add webhook").click()
    secret = dialog.get_by_test_id("webhook-secret")
    secret.wait_for()
    assert secret.inner_text().startswith("whsec_")
    toast_shown(page, "Webhook added.")
    page.locator("#webhook-results").get_by_text("ERP order sync").wait_for()
    screenshot(page, "webhooks-secret-desktop", full_page=False)

    # and the webhook's page sends a test event that the log shows delivered
    dialog.get_by_role("link", name="Open the webhook").click()
    page.get_by_role("heading", name="Deliveries").wait_for()
    page.get_by_role("button", name="Send test event").click()
    toast_shown(page, "Test event queued")
    page.get_by_test_id("delivery-row").first.wait_for()
    run_deliveries()
    row = page.get_by_test_id("delivery-row").first
    row.get_by_text("Delivered").wait_for()
    assert row.get_by_test_id("delivery-code").inner_text() == "200"
    row.get_by_text("Details").click()
    row.get_by_text("Attempt 1").wait_for()

    [request] = receiver.requests
    assert request.path == "/hooks/leora"
    assert json.loads(request.body)["event"] == "webhook.test"
    assert request.headers["Leora-Signature"].startswith("t=")
    _no_sideways_scroll(page)
    screenshot(page, "webhooks-detail-desktop")


def test_the_webhook_pages_on_a_phone(
    world: World,
    receiver: Receiver,
    phone: Any,
    sign_in: Any,
    screenshot: Any,
) -> None:
    issued = subscribe(
        world.acme, world.admin, receiver.url("/a-rather-long/path/to/the/erp/webhook/endpoint"),
        ["customer.created", "customer.updated", "order.created"], description="ERP order sync",
    )  # fmt: skip
    receiver.answer(500, b'{"error": "database is down"}')
    from leora.webhooks.services import webhook_test_send
    from tests import factories

    webhook_test_send(actor=factories.actor(world.acme, world.admin), subscription=issued.subscription)
    webhook_test_send(actor=factories.actor(world.acme, world.admin), subscription=issued.subscription)
    run_deliveries()
    page = phone
    sign_in(page, "admin@acme.test")

    page.goto("/webhooks/")
    page.get_by_text("ERP order sync").wait_for()
    _no_sideways_scroll(page)
    screenshot(page, "webhooks-list-phone")

    page.goto(f"/webhooks/{issued.subscription.pk}/")
    page.get_by_text("Failed").first.wait_for()
    _no_sideways_scroll(page)
    screenshot(page, "webhooks-detail-phone")
    with scopes_disabled():
        assert WebhookSubscription.objects.get(pk=issued.subscription.pk).active
