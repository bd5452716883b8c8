"""The daily digest in a real browser: choosing its hour on the account page, and opening the in-app
digest from the notifications list, at desktop and phone widths."""

from __future__ import annotations

from typing import Any

import pytest

from leora.notifications.models import NotificationPreference
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.notifications.digest_helpers import SEVEN_IN_LA, make_book, run_digest

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _no_schedule(settings: Any) -> None:
    settings.JOB_SCHEDULE = []


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways ({width}px in {viewport}px)"


def test_choosing_the_digest_hour_on_the_account_page(
    world: World, desktop: Any, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    sign_in(desktop, "rep1@acme.test")
    desktop.goto("/account/")
    hour = desktop.get_by_label("Send it at")
    hour.select_option(label="09:00")
    desktop.get_by_label("Email me a daily digest").check()
    desktop.get_by_role("button", name="Save digest settings").click()

    toast_shown(desktop, "Saved: your digest arrives at 09:00.")
    with scopes_disabled():
        preference = NotificationPreference.objects.get(user=world.rep1)
    assert (preference.digest_enabled, preference.digest_hour) == (True, 9)
    # Saving scrolled the card into view; a full-page shot is taken from the top.
    desktop.evaluate("window.scrollTo(0, 0)")
    screenshot(desktop, "digest-preferences-desktop")

    sign_in(phone, "rep1@acme.test")
    phone.goto("/account/")
    # What was saved is what the form shows on the next visit.
    assert phone.get_by_label("Send it at").input_value() == "9"
    _no_sideways_scroll(phone)
    screenshot(phone, "digest-preferences-phone")


def test_opening_the_in_app_digest_from_the_notifications(
    world: World, desktop: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    make_book(world)
    run_digest(world.acme, SEVEN_IN_LA)

    sign_in(desktop, "rep1@acme.test")
    desktop.goto("/notifications/")
    desktop.get_by_role("button", name="Open: Your day, Mon 2 Mar").click()
    desktop.get_by_role("heading", name="Your day, Mon 2 Mar").wait_for()
    assert desktop.get_by_role("link", name="Corner Bistro").first.is_visible()
    assert desktop.get_by_text("Send the spring price list").is_visible()
    screenshot(desktop, "digest-page-desktop")

    sign_in(phone, "rep1@acme.test")
    phone.goto(desktop.url)
    phone.get_by_role("heading", name="Your day, Mon 2 Mar").wait_for()
    _no_sideways_scroll(phone)
    screenshot(phone, "digest-page-phone")
