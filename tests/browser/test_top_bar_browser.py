"""The top bar's user menu on a phone: the whole name, the role, Account and Sign out all fit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_phone_menu_shows_the_whole_name_and_sign_out(
    world: World, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    # given: a manager with a long but ordinary name
    world.manager.full_name = "Maximiliana Fairweather-Castellanos"
    world.manager.save(update_fields=["full_name"])
    page = phone
    sign_in(page, "manager@acme.test")

    # when: the menu is opened
    page.get_by_role("button", name="Menu").click()
    sign_out = page.get_by_role("button", name="Sign out")
    sign_out.wait_for(state="visible")
    screenshot(page, "top-bar-menu-phone", full_page=False)

    # then: every control of the user menu lies inside the screen and no text is cut off
    width = page.viewport_size["width"]
    for control in (sign_out, page.get_by_role("link", name="Account")):
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert control.evaluate("el => el.scrollWidth <= el.clientWidth")
    name = page.locator(".usermenu .who-name")
    assert name.inner_text() == "Maximiliana Fairweather-Castellanos"
    assert name.evaluate("el => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().width > 200")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_desktop_top_bar_keeps_the_user_menu_on_one_line(
    world: World, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    # An admin's menu lists the most pages; when they do not all fit, the links scroll, never Sign out.
    page = desktop
    sign_in(page, "admin@acme.test")
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        menu = page.locator(".usermenu")
        box = menu.bounding_box()
        assert box is not None and box["height"] <= 56
        sign_out = page.get_by_role("button", name="Sign out")
        sign_out_box = sign_out.bounding_box()
        assert sign_out_box is not None and sign_out_box["x"] + sign_out_box["width"] <= width
        assert sign_out.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert page.locator(".usermenu .who-name").evaluate("el => el.scrollWidth <= el.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"top-bar-desktop-{width}", full_page=False)


def test_the_more_menu_opens_closes_on_escape_and_marks_the_current_page(
    world: World, desktop: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    # given: an admin on the Jobs page, one of the pages behind "More"
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto(page.url.rstrip("/") + "/jobs/")
    more = page.locator(".navmenu-button")
    assert more.evaluate("el => getComputedStyle(el).boxShadow") != "none"

    # when: the menu is opened
    more.click()
    menu = page.get_by_role("navigation", name="More pages")
    menu.get_by_role("link", name="Imports").wait_for(state="visible")
    screenshot(page, "top-bar-more-desktop", full_page=False)
    box = menu.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366

    # then: Escape closes it and gives the focus back to its button
    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.classList.contains('navmenu-button')")

    # and on a phone the same links open inside the menu panel
    sign_in(phone, "admin@acme.test")
    phone.get_by_role("button", name="Menu").click()
    # every everyday link is still listed above the menu, none squeezed out of the panel
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Quotas").wait_for(state="visible")
    phone.locator(".navmenu-button").click()
    phone_menu = phone.get_by_role("navigation", name="More pages")
    phone_menu.get_by_role("link", name="Webhooks").wait_for(state="visible")
    screenshot(phone, "top-bar-more-phone", full_page=False)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_rep_has_no_more_menu(world: World, desktop: Any, sign_in: Any) -> None:
    sign_in(desktop, "rep1@acme.test")
    assert desktop.locator(".navmenu").count() == 0
    assert desktop.get_by_role("navigation", name="Main").get_by_role("link", name="Scan").is_visible()
