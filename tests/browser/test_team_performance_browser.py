"""A manager reads each rep's week on the Team page and follows a number to the rows behind it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import World

pytestmark = pytest.mark.browser


def test_a_manager_follows_a_reps_revenue_to_its_orders(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "manager@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    page.wait_for_url("**/team/")
    performance = page.locator("section#team-performance")
    performance.wait_for()
    row = performance.locator(f"tr[data-rep='{world.rep1.pk}']")
    assert "of $6,500" in row.inner_text()
    screenshot(page, "team-performance-desktop")

    row.get_by_role("link", name="revenue this week for Rep1").click()
    page.wait_for_url("**/dashboard/drilldown/this-week-revenue/**")
    assert parse_qs(urlparse(page.url).query)["rep_id"] == [str(world.rep1.pk)]


def test_team_performance_reads_on_a_phone(
    world: World, sample_book: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    sign_in(phone, "manager@acme.test")
    phone.goto("/team/")
    phone.locator("section#team-performance").wait_for()
    screenshot(phone, "team-performance-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
