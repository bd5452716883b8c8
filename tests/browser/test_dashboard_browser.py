"""The dashboard in a real browser: arranging widgets with the mouse and the menu, the layout kept across a
reload, undo with the keyboard, and how it looks at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import World

Place = tuple[int, int, int, int, bool]

PLACES = """Array.from(document.querySelectorAll('[data-widget]')).map(el => [
  el.dataset.widgetType, +el.getAttribute('gs-x'), +el.getAttribute('gs-y'), +el.getAttribute('gs-w'),
  +el.getAttribute('gs-h'), el.dataset.widgetVisible === 'true'])"""
SAVED = """fetch('/api/dashboard/widgets/layout').then(r => r.json()).then(body => body.widgets.map(w =>
  [w.widget_type, w.x, w.y, w.w, w.h, w.visible]))"""


def _places(rows: list[list[Any]]) -> dict[str, Place]:
    return {row[0]: (row[1], row[2], row[3], row[4], row[5]) for row in rows}


def on_page(page: Any) -> dict[str, Place]:
    return _places(page.evaluate(PLACES))


def saved(page: Any) -> dict[str, Place]:
    return _places(page.evaluate(SAVED))


def open_dashboard(page: Any) -> None:
    page.wait_for_selector("[data-dashboard][data-ready=true]")
    page.wait_for_function(
        "document.querySelectorAll('[data-dashboard] [data-widget]').length"
        " === document.querySelectorAll('[data-dashboard] [data-widget][data-loaded]').length"
    )


def settled(page: Any) -> None:
    page.wait_for_selector("[data-dashboard]:not([data-busy])", state="attached")


def drag(page: Any, handle: Any, dx: float, dy: float) -> None:
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + 40, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 5, steps=4)
    page.mouse.move(x + dx, y + dy, steps=20)
    page.mouse.up()


def test_arranging_is_saved_kept_across_a_reload_and_undone_with_the_keyboard(
    desktop: Any, sign_in: Callable[[Any, str], None], sample_book: dict[str, Any], world: World,
    screenshot: Callable[..., Any],
) -> None:  # fmt: skip
    page = desktop
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "rep1@acme.test")
    open_dashboard(page)
    original = on_page(page)

    # drag: customers due, beside at-risk customers, goes to the left edge
    due = original["customers_due"]
    assert due[0] == 6
    drag(page, page.locator('[data-widget-type="customers_due"] [data-widget-handle]'), -900, 10)
    page.wait_for_function(
        "document.querySelector('[data-widget-type=customers_due]').getAttribute('gs-x') === '0'"
    )
    settled(page)

    # resize: quota progress, small, pulled wider, snaps to medium
    quota = page.locator('[data-widget-type="quota_progress"]')
    quota.scroll_into_view_if_needed()
    quota.hover()
    handle = quota.locator(".ui-resizable-se").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + 120, handle["y"] + 40, steps=10)
    page.mouse.move(handle["x"] + 260, handle["y"] + 80, steps=10)
    page.mouse.up()
    page.wait_for_function(
        "document.querySelector('[data-widget-type=quota_progress]').getAttribute('gs-w') === '6'"
    )
    settled(page)

    # hide: new customers, from its menu
    page.locator('[data-widget-type="new_customers"] [data-widget-menu-button]').click()
    page.locator('[data-widget-type="new_customers"]').get_by_role("menuitem", name="Hide").click()
    page.wait_for_function(
        "document.querySelector('[data-widget-type=new_customers]').dataset.widgetVisible === 'false'"
    )
    settled(page)

    arranged = on_page(page)
    assert arranged["customers_due"][0] == 0
    assert arranged["quota_progress"][2:4] == (6, 4)
    assert arranged["new_customers"][4] is False
    assert saved(page) == arranged

    # reload: the arrangement is kept, hidden widget in the Hidden menu
    page.reload()
    open_dashboard(page)
    assert on_page(page) == arranged
    page.locator("[data-hidden-menu-button]").click()
    assert page.get_by_role("menuitem", name="Show New customers").is_visible()
    page.keyboard.press("Escape")

    # undo the three changes with the keyboard
    page.locator("h1").click()
    for _ in range(3):
        page.keyboard.press("Control+z")
        settled(page)
    page.wait_for_function(
        "document.querySelector('[data-widget-type=new_customers]').dataset.widgetVisible === 'true'"
    )
    settled(page)
    assert on_page(page) == original
    assert saved(page) == original
    assert page.locator("[data-dashboard-undo]").is_disabled()
    assert not page.locator("[data-dashboard-redo]").is_disabled()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "dashboard-1366")


def test_the_menu_moves_and_resizes_a_widget_from_the_keyboard_and_says_so(
    desktop: Any, sign_in: Callable[[Any, str], None], world: World
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    open_dashboard(page)
    card = '[data-widget-type="customers_due"]'
    page.locator(f"{card} [data-widget-menu-button]").focus()
    page.keyboard.press("Enter")
    page.locator(f'{card} [data-action="larger"]').focus()
    page.keyboard.press("Enter")
    settled(page)
    page.wait_for_function(
        "document.querySelector('[data-widget-type=customers_due]').getAttribute('gs-w') === '12'"
    )
    status = page.locator("[data-dashboard-status]")
    page.wait_for_function("document.querySelector('[data-dashboard-status]').textContent.includes('large')")
    assert "Customers due to order" in status.text_content()
    # the keyboard is back on the menu button it started from
    assert page.evaluate("document.activeElement.hasAttribute('data-widget-menu-button')")
    assert saved(page)["customers_due"][2:4] == (12, 5)


def test_on_a_phone_the_widgets_stack_in_one_column(
    phone: Any, sign_in: Callable[[Any, str], None], sample_book: dict[str, Any], world: World,
    screenshot: Callable[..., Any],
) -> None:  # fmt: skip
    page = phone
    sign_in(page, "rep1@acme.test")
    open_dashboard(page)
    lefts = page.evaluate(
        "Array.from(document.querySelectorAll('[data-dashboard] [data-widget]'))"
        ".map(el => Math.round(el.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    button = page.locator('[data-widget-type="quota_progress"] [data-widget-menu-button]').bounding_box()
    assert button["height"] >= 44 and button["width"] >= 44
    screenshot(page, "dashboard-390")
