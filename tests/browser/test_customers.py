"""A rep's everyday path through the product, in a real browser at desktop and phone widths."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import World

pytestmark = pytest.mark.browser


def rows(page: Any) -> list[str]:
    return [
        name.strip() for name in page.locator("#customer-results tbody td.cell-primary a").all_inner_texts()
    ]


def test_a_rep_searches_their_book_and_opens_a_customer(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    page.goto("/login/")
    screenshot(page, "login-desktop")
    # given a rep signed in on the home page
    sign_in(page, "rep1@acme.test")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load from static files"
    page.get_by_role("heading", name="Quota this week").wait_for()
    screenshot(page, "dashboard-desktop")

    # when they open the customer list and type a search
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.wait_for_url("**/customers/")
    page.evaluate("window.__sameDocument = true")
    screenshot(page, "customers-desktop")
    page.get_by_label("Search").fill("bistro")
    page.wait_for_url("**/customers/?search=bistro")
    page.wait_for_function("document.querySelectorAll('#customer-results tbody tr').length === 3")

    # then the table updated in place and lists only their own matching customers
    assert page.evaluate("window.__sameDocument") is True, "search reloaded the whole page"
    assert sorted(rows(page)) == ["Blue Door Bistro", "Cellar Door Bistro", "Mission Street Bistro"]
    assert "Corner Cellar Bistro" not in page.content()
    assert page.locator("#results-summary").inner_text().startswith("3 customers")
    screenshot(page, "customers-search-desktop")

    # when they open one customer
    page.get_by_role("link", name="Blue Door Bistro").click()
    page.wait_for_url(f"**/customers/{sample_book['Blue Door Bistro'].pk}/")

    # then its details are on the page
    assert page.get_by_role("heading", level=1).inner_text().startswith("Blue Door Bistro")
    assert page.get_by_text("#AC-1040").is_visible()
    for section in ("Recent orders", "Invoices", "Activity", "Contacts", "Open tasks", "Details"):
        assert page.get_by_role("heading", name=section, exact=True).is_visible(), section
    assert page.get_by_text("orders0@venue.test").first.is_visible()
    screenshot(page, "customer-detail-desktop")


def test_a_rep_cannot_open_another_reps_customer(
    world: World, sample_book: Any, desktop: Any, sign_in: Any
) -> None:
    sign_in(desktop, "rep1@acme.test")
    response = desktop.goto(f"/customers/{sample_book['rep2'].pk}/")
    assert response.status == 404


def test_the_search_field_is_reached_by_keyboard_from_the_skip_link(
    world: World, sample_book: Any, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    page.goto("/customers/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "customer-search"
    # The focus ring of inputs is a box-shadow ring; it must be there, not just the default outline.
    assert page.evaluate("getComputedStyle(document.activeElement).boxShadow") != "none"
    page.keyboard.type("harbor")
    page.wait_for_function("document.querySelectorAll('#customer-results tbody tr').length === 1")
    assert rows(page) == ["Harbor Lights Hotel"]


def test_a_filtered_list_works_without_javascript(
    world: World, sample_book: Any, browser: Any, live_url: str
) -> None:
    context = browser.new_context(base_url=live_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login/")
        page.get_by_label("Email").fill("rep1@acme.test")
        page.get_by_label("Password").fill("pw-for-tests-1")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: urlparse(url).path == "/")
        page.goto("/customers/")
        page.get_by_label("Account type").select_option("TARGET")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**account_type=TARGET**")
        assert "Telegraph Hill Wine Bar" in rows(page) and "Blue Door Bistro" not in rows(page)
    finally:
        context.close()


def test_the_phone_layout_has_one_column_a_menu_and_stacked_rows(
    world: World, sample_book: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    page.goto("/login/")
    screenshot(page, "login-phone")
    sign_in(page, "rep1@acme.test")
    screenshot(page, "dashboard-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"

    # The menu opens by tapping, never by hover.
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.is_visible()
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.bounding_box()["height"] >= 44
    toggle.tap()
    assert toggle.get_attribute("aria-expanded") == "true"
    screenshot(page, "menu-phone")
    nav.get_by_role("link", name="Customers").tap()
    page.wait_for_url("**/customers/")

    search = page.get_by_label("Search")
    assert search.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first_row = page.locator("#customer-results tbody tr").first
    # Stacked: each cell is labelled and the row is one card as wide as the content column.
    assert first_row.bounding_box()["width"] > 300
    label = page.evaluate(
        "getComputedStyle(document.querySelector('#customer-results td[data-label]'), '::before').content"
    )
    assert label.strip('"') in {"Account type", "Status", "City", "Assigned rep", "Last order"}
    screenshot(page, "customers-phone", full_page=False)

    page.get_by_role("link", name="Harbor Lights Hotel").tap()
    page.wait_for_url("**/customers/*/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "customer-detail-phone")


def test_toasts_announce_and_the_confirm_modal_answers_by_keyboard(
    world: World, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    # Page timers stand still, so the toast cannot dismiss itself before it is read on a slow machine.
    page.clock.install()
    page.clock.pause_at(time.time() * 1000 + 1000)
    page.evaluate("Leora.toast('Order saved', 'success')")
    toast = page.locator("#toasts .toast-success")
    assert toast.inner_text().startswith("Order saved")
    assert page.locator("#toasts").get_attribute("aria-live") == "polite"

    # Wrapped in a function returning nothing: evaluate() would otherwise wait for the answer.
    page.evaluate("() => { Leora.confirm('Delete this note?').then(a => { window.__answer = a; }); }")
    dialog = page.get_by_role("dialog")
    assert dialog.is_visible() and "Delete this note?" in dialog.inner_text()
    page.keyboard.press("Escape")
    page.wait_for_function("window.__answer === false")

    page.evaluate(
        "() => { Leora.confirm('Archive?', {confirmLabel: 'Archive'}).then(a => { window.__answer = a; }); }"
    )
    page.get_by_role("button", name="Archive").click()
    page.wait_for_function("window.__answer === true")


def test_paging_by_keyboard_keeps_focus_in_the_results(
    world: World, sample_book: Any, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    page.goto("/customers/")
    page.get_by_role("link", name="Next →").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/customers/?page=2")
    page.get_by_text("Page 2 of 2").wait_for()
    # The focus moves once the swap has settled, a moment after the new page is in place.
    page.wait_for_function("document.activeElement.id === 'customer-results'")
    assert len(rows(page)) == 3
