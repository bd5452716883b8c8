"""The data- behaviours of leora.js that replaced inline scripts, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World

pytestmark = pytest.mark.browser


def test_the_page_is_marked_as_scripted_before_anything_else(
    world: World, desktop: Any, sign_in: Any
) -> None:
    sign_in(desktop, "rep1@acme.test")
    assert desktop.evaluate("document.documentElement.className") == "js"


def test_an_add_event_button_opens_its_folded_form(world: World, desktop: Any, sign_in: Any) -> None:
    page = desktop
    sign_in(page, "manager@acme.test")
    page.goto("/calendar/")
    assert page.locator("#new-event").get_attribute("open") is None
    page.locator(".page-actions").get_by_role("link", name="Add event").click()
    page.wait_for_function("document.getElementById('new-event').open")
    assert page.locator("#new-event").get_by_label("Title").is_visible()


def test_a_refused_token_form_swaps_in_its_error_and_a_new_token_can_be_copied(
    world: World, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    page.goto("/account/")
    page.evaluate("window.__sameDocument = true")

    # a blank name answers 422: the card shows the error inline instead of a failure toast
    page.get_by_role("button", name="Create token").click()
    page.wait_for_selector("#error-token_name")
    assert page.locator("#toasts").get_by_text("Something went wrong").count() == 0

    # a named token is shown once, with a Copy button that the script reveals and works
    page.get_by_label("Name of the new token").fill("order sync")
    page.get_by_role("button", name="Create token").click()
    copy = page.get_by_role("button", name="Copy")
    copy.wait_for(state="visible")
    copy.click()
    page.wait_for_function(
        "['Copied', 'Select and copy it yourself'].includes("
        "document.querySelector('[data-copy=\"new-token\"]').textContent)"
    )
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "account-token-copied-desktop")


def test_an_import_is_checked_before_it_is_applied(world: World, desktop: Any, sign_in: Any) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/import/")
    page.get_by_label("Or paste the definitions").fill(
        "metrics:\n  - code: big_spender\n    name: Big spender\n    kind: segment\n"
        "    formula: lifetime_revenue > 1000\n"
    )
    page.get_by_role("button", name="Check").click()
    page.locator("#import-report").get_by_text("Would apply: 1 new").wait_for()
    page.get_by_role("button", name="Apply").click()
    page.locator("#import-report").get_by_text("Applied: 1 new").wait_for()
