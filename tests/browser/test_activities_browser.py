"""The Activities page and the customer page's rhythm line in a real browser, at desktop and phone widths."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser


def shown_rows(page: Any) -> int:
    return int(page.evaluate("document.querySelectorAll('#activity-results tbody tr').length"))


@pytest.fixture
def team_log(world: World, sample_book: Any, unscoped: None) -> dict[str, Any]:
    """rep2's calls beside rep1's sample book, so a manager has two people to filter between."""
    for n in range(3):
        factories.make_activity(
            sample_book["rep2"], world.rep2, "call", subject=f"Corner reorder call {n + 1}",
            occurred_at=timezone.now() - timedelta(hours=2 + n),
        )  # fmt: skip
    return sample_book


def test_a_manager_narrows_the_teams_log_to_one_rep_and_type(
    world: World, team_log: Any, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    # given a manager on the Activities page, reached from the top navigation
    sign_in(page, "manager@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    page.wait_for_url("**/activities/")
    assert page.locator("#activity-summary").inner_text().startswith("31 activities")
    screenshot(page, "activities-desktop")
    page.evaluate("window.__sameDocument = true")

    # when they pick rep2 and calls
    page.get_by_label("Rep").select_option(label=world.rep2.display_name)
    page.wait_for_function("document.querySelector('#activity-summary').textContent.startsWith('3 ')")
    page.get_by_label("Type").select_option("call")
    page.wait_for_url("**/activities/?*kind=call*")

    # then the table shows just those, updated in place, and the address keeps the filters
    page.wait_for_function("document.querySelectorAll('#activity-results tbody tr').length === 3")
    assert page.evaluate("window.__sameDocument") is True, "filtering reloaded the whole page"
    assert f"rep={world.rep2.pk}" in page.url
    assert set(page.locator("#activity-results td[data-label='By']").all_inner_texts()) == {
        world.rep2.display_name
    }
    screenshot(page, "activities-filtered-desktop")


def test_see_all_on_a_customer_page_opens_the_customers_activities(
    world: World, team_log: Any, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    customer = team_log["Blue Door Bistro"]
    sign_in(page, "rep1@acme.test")
    page.goto(f"/activities/?customer={customer.pk}")
    assert shown_rows(page) == 1
    assert "with Blue Door Bistro" in page.locator("#activity-summary").inner_text()
    page.get_by_role("link", name="Show every customer").click()
    page.wait_for_function("document.querySelectorAll('#activity-results tbody tr').length === 25")


def test_the_activities_page_on_a_phone_stacks_rows_and_folds_the_filters(
    world: World, team_log: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "rep1@acme.test")
    page.goto("/activities/")
    assert shown_rows(page) == 25
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    assert not page.get_by_label("Type").is_visible()
    screenshot(page, "activities-phone")
    page.get_by_role("button", name="Filters").click()
    page.get_by_label("Type").select_option("visit")
    page.wait_for_url("**/activities/?*kind=visit*")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "activities-filtered-phone")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_customer_page_shows_the_rhythm_line(
    live_url: str, world: World, unscoped: None, width: str, request: Any, sign_in: Any, screenshot: Any
) -> None:
    page = request.getfixturevalue(width)
    today = timezone.localdate(timezone=world.acme.tzinfo)
    customer = factories.make_customer(world.acme, world.rep1, name="Olive Grove Trattoria", city="Berkeley")
    for n in range(6):
        factories.make_order(customer, order_date=today - timedelta(days=10 + 14 * n))
    sign_in(page, "rep1@acme.test")
    page.goto(f"/customers/{customer.pk}/")
    line = page.get_by_test_id("rhythm-line")
    assert "Orders about every 14 days" in line.inner_text()
    assert page.get_by_test_id("rhythm-state").inner_text() == "Due"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"customer-rhythm-{width}", full_page=False)
