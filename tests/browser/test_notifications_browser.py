"""An admin sees the bell count a failed job left, reads it, and clears the rest, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.notifications.helpers import notify

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_inbox(world: World, unscoped: None) -> None:
    notify(world.acme, world.admin, "Job fail failed after 3 attempt(s)", url="/jobs/", minutes_ago=5)
    notify(world.acme, world.admin, "Job report_generation failed after 1 attempt(s)", minutes_ago=90)


def test_the_bell_counts_unread_and_mark_all_read_clears_it_in_place(
    world: World,
    admin_inbox: None,
    desktop: Any,
    phone: Any,
    sign_in: Any,
    toast_shown: Any,
    screenshot: Any,
) -> None:
    page = desktop
    # given an admin with two unread notifications
    sign_in(page, "admin@acme.test")
    bell = page.get_by_role("link", name="Notifications, 2 unread")
    bell.wait_for()
    assert page.evaluate("!document.activeElement.closest('[data-notification-bell]')"), "the poll took focus"
    screenshot(page, "notifications-bell-desktop", full_page=False)

    # when they open the list and mark everything read
    bell.click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_text("Unread", exact=True).count() == 2
    screenshot(page, "notifications-desktop")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Mark all read").click()

    # then the list and the bell update without a reload, and a toast confirms it
    page.get_by_role("link", name="Notifications, 0 unread").wait_for()
    assert page.get_by_text("Unread", exact=True).count() == 0
    assert page.get_by_role("link", name="Unread (0)").is_visible()
    assert page.evaluate("window.__sameDocument") is True
    toast_shown(page, "All notifications marked read.")
    screenshot(page, "notifications-read-desktop")

    sign_in(phone, "admin@acme.test")
    phone.goto("/notifications/")
    screenshot(phone, "notifications-phone")


def test_opening_a_notification_leads_to_its_page(
    world: World, admin_inbox: None, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/notifications/")

    page.get_by_role("button", name="Open: Job fail failed after 3 attempt(s)").click()

    page.wait_for_url("**/jobs/")
    page.get_by_role("link", name="Notifications, 1 unread").wait_for()
