"""A manager sets next week's quotas in a real browser, on a laptop and on a phone."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import SalesQuota
from leora.tenancy.calendar import tenant_today, week_start
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser


def targets(world: World) -> dict[tuple[str, date], Decimal]:
    return {
        (q.user.email, q.week_start): q.revenue_target
        for q in SalesQuota.objects.for_tenant(world.acme).select_related("user")
    }


def cell(page: Any, user: Any, week: date) -> Any:
    return page.locator(f"#quota-{user.pk}-{week:%Y%m%d}")


def saved(page: Any, text: str) -> None:
    page.wait_for_function(
        "text => document.getElementById('quota-status').textContent.includes(text)", arg=text
    )


def test_a_manager_sets_next_weeks_quotas_for_two_reps_with_the_keyboard(
    world: World,
    sample_book: Any,
    desktop: Any,
    sign_in: Any,
    toast_shown: Any,
    screenshot: Any,
    unscoped: None,
) -> None:
    page = desktop
    page.set_viewport_size({"width": 1366, "height": 900})
    monday = week_start(tenant_today(world.acme))
    next_week = monday + timedelta(weeks=1)
    factories.make_quota(world.acme, world.rep1, monday - timedelta(weeks=1), "6000")
    factories.make_quota(world.acme, world.rep2, monday - timedelta(weeks=1), "4000")

    # given the manager on the quotas page, reached from the top navigation
    sign_in(page, "manager@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quotas").click()
    page.wait_for_url("**/quotas/")
    assert page.get_by_role("heading", name="Quotas").is_visible()
    screenshot(page, "quotas-desktop")

    # when they type rep1's target for next week, press Enter, type rep2's and press Tab
    first = cell(page, world.rep1, next_week)
    first.click()
    first.fill("6500")
    first.press("Enter")
    second = cell(page, world.rep2, next_week)
    assert page.evaluate("document.activeElement.id") == second.get_attribute("id"), "Enter did not move down"
    saved(page, "Saved Rep1")
    second.fill("4,800")
    second.press("Tab")
    saved(page, "Saved Rep2")

    # then both are stored, the week's total adds them up, and nothing else moved
    total = page.locator(f"#quota-total-{next_week:%Y%m%d}")
    page.wait_for_function("el => el.textContent.includes('$11,300')", arg=total.element_handle())
    assert targets(world)[("rep1@acme.test", next_week)] == Decimal(6500)
    assert targets(world)[("rep2@acme.test", next_week)] == Decimal(4800)

    # a negative amount is refused beside the cell and nothing is written
    third = cell(page, world.rep2, next_week + timedelta(weeks=1))
    third.fill("-300")
    third.press("Tab")
    error = page.locator(f"#quota-{world.rep2.pk}-{(next_week + timedelta(weeks=1)):%Y%m%d}-error")
    error.wait_for()
    assert "A target cannot be negative" in error.inner_text()
    assert ("rep2@acme.test", next_week + timedelta(weeks=1)) not in targets(world)
    screenshot(page, "quotas-saved-desktop")

    # and copying last week's targets into this week fills this week's column in place
    page.get_by_label("Copy into").select_option(monday.isoformat())
    page.get_by_label("Replace targets already set in that week").check()
    page.get_by_role("button", name="Copy targets").click()
    toast_shown(page, "2 targets set")
    page.wait_for_function(
        "id => document.getElementById(id).value === '6000'", arg=f"quota-{world.rep1.pk}-{monday:%Y%m%d}"
    )
    assert targets(world)[("rep2@acme.test", monday)] == Decimal(4000)
    screenshot(page, "quotas-copied-desktop")


def test_the_quota_grid_scrolls_sideways_on_a_phone_with_the_names_held(
    world: World, sample_book: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    next_week = week_start(tenant_today(world.acme)) + timedelta(weeks=1)
    sign_in(page, "manager@acme.test")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quotas").click()
    page.wait_for_url("**/quotas/")
    screenshot(page, "quotas-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    # the grid scrolls inside its frame and the person column stays put
    wrap = page.locator(".quota-wrap")
    name = page.locator("tbody .quota-person").first
    before = name.bounding_box()
    wrap.evaluate("el => { el.scrollLeft = 400; }")
    page.wait_for_function("() => document.querySelector('.quota-wrap').scrollLeft > 0")
    after = name.bounding_box()
    assert before is not None and after is not None and abs(after["x"] - before["x"]) < 1
    screenshot(page, "quotas-phone-scrolled", full_page=False)

    # a target typed on the phone is saved like on a laptop
    target = cell(page, world.rep1, next_week)
    target.scroll_into_view_if_needed()
    target.tap()
    target.fill("5200")
    target.press("Enter")
    saved(page, "Saved Rep1")
    assert targets(world)[("rep1@acme.test", next_week)] == Decimal(5200)
