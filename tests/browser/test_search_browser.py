"""Search everywhere in a real browser: "/" focuses the top bar's box, results come as one types,
grouped, and the keyboard alone opens one; on a phone the box lives in the menu."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import World

pytestmark = pytest.mark.browser

BOX = "#topsearch-input"
LISTBOX = "#topsearch-results"


def _active_option_id(page: Any) -> str:
    return str(page.locator(BOX).get_attribute("aria-activedescendant") or "")


def test_slash_type_arrow_and_enter_open_a_customer(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    target = sample_book["Blue Door Bistro"]
    sign_in(page, "rep1@acme.test")
    page.goto("/tasks/")

    # "/" from anywhere on the page puts the focus in the search box
    page.locator("h1").click()
    page.keyboard.press("/")
    page.wait_for_function(f"document.activeElement === document.querySelector('{BOX}')")
    assert page.locator(BOX).input_value() == ""  # the slash itself is not typed

    # typing shows results grouped by kind, scoped to the rep's own book
    page.keyboard.type("bistro")
    listbox = page.locator(LISTBOX)
    listbox.get_by_role("option", name="Blue Door Bistro").wait_for()
    assert page.locator(BOX).get_attribute("aria-expanded") == "true"
    groups = listbox.get_by_role("group")
    assert groups.first.get_attribute("aria-labelledby") == "search-group-customers"
    assert listbox.get_by_text("Corner Cellar Bistro").count() == 0  # rep2's customer
    screenshot(page, "search-open-desktop", full_page=False)

    # the arrow keys move the active option while the focus stays in the box
    page.keyboard.press("ArrowDown")
    first = _active_option_id(page)
    assert first.startswith("search-option-customer-")
    page.keyboard.press("ArrowDown")
    assert _active_option_id(page) not in {"", first}
    page.keyboard.press("ArrowUp")
    assert _active_option_id(page) == first
    assert page.evaluate("document.activeElement.id") == "topsearch-input"

    # Escape closes the results, a second Escape clears the box; typing again brings results back
    page.keyboard.press("Escape")
    listbox.wait_for(state="hidden")
    assert page.locator(BOX).get_attribute("aria-expanded") == "false"
    page.keyboard.press("Escape")
    assert page.locator(BOX).input_value() == ""
    page.keyboard.type("blue door")
    listbox.get_by_role("option", name="Blue Door Bistro").wait_for()

    # Enter opens the active option: the customer's page
    page.wait_for_function(
        f"document.querySelectorAll('{LISTBOX} [role=option][id^=search-option-customer-]').length === 1"
    )
    page.keyboard.press("ArrowDown")
    assert _active_option_id(page) == f"search-option-customer-{target.pk}"
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlparse(url).path == f"/customers/{target.pk}/")
    page.get_by_role("heading", name="Blue Door Bistro").first.wait_for()


def test_slash_while_typing_in_a_field_types_a_slash(
    world: World, sample_book: Any, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    page.goto("/customers/")
    field = page.get_by_label("Search", exact=True)
    field.fill("")
    field.type("47/5")
    assert field.input_value() == "47/5"
    assert page.evaluate("document.activeElement.id") != "topsearch-input"


def test_search_finds_a_phone_number_and_see_all_lists_customers(
    world: World, sample_book: Any, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    page.locator(BOX).click()
    page.keyboard.type("fig")
    page.locator(LISTBOX).get_by_role("option", name="Fig & Vine Wine Shop").wait_for()
    see_all = page.locator("#search-option-all")
    assert see_all.get_attribute("href") == "/customers/?search=fig"
    page.locator(BOX).fill("")
    page.keyboard.type("5550101")  # Fig & Vine's phone is +1 415 555 0101
    page.locator(LISTBOX).get_by_role("option", name="Fig & Vine Wine Shop").wait_for()


def test_search_on_a_phone_opens_from_the_menu(
    world: World, sample_book: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    target = sample_book["Harbor Lights Hotel"]
    sign_in(page, "rep1@acme.test")
    assert not page.locator(BOX).is_visible()  # folded into the menu
    page.get_by_role("button", name="Menu").click()
    page.locator(BOX).click()
    page.keyboard.type("harbor")
    option = page.locator(LISTBOX).get_by_role("option", name="Harbor Lights Hotel")
    option.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the open search scrolls sideways on a phone ({width}px)"
    box = page.locator(LISTBOX).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "search-open-phone", full_page=False)
    option.tap()
    page.wait_for_url(lambda url: urlparse(url).path == f"/customers/{target.pk}/")


def test_the_slash_key_opens_the_menu_on_a_phone_with_a_keyboard(
    world: World, sample_book: Any, phone: Any, sign_in: Any
) -> None:
    page = phone
    sign_in(page, "rep1@acme.test")
    page.keyboard.press("/")
    page.wait_for_function(f"document.activeElement === document.querySelector('{BOX}')")
    assert page.locator(BOX).is_visible()
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "true"
