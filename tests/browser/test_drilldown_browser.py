"""Drilldown pages and the customer health panel in a real browser, at 1366 and 390 px."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser

_LATE = [
    "Blue Door Bistro", "Fig & Vine Wine Shop", "Harbor Lights Hotel", "Olive Grove Trattoria",
    "Redwood Grocers", "Marina Oyster Bar", "Hillside Market", "Vineyard View Inn",
]  # fmt: skip


def _today(world: World) -> date:
    return timezone.localtime(timezone.now(), world.acme.tzinfo).date()


@pytest.fixture
def late_book(world: World, unscoped: None) -> dict[str, Any]:
    """rep1: eight weekly buyers 11 to 18 days late (at risk), each with an overdue invoice and a call
    a while ago; rep2: one at-risk buyer of their own."""
    today = _today(world)
    product = factories.make_product(world.acme, name="Estate Pinot Noir", unit_price=Decimal("18.00"))
    customers: dict[str, Any] = {}
    for index, name in enumerate(_LATE):
        customer = factories.make_customer(world.acme, world.rep1, name=name, city="Napa")
        last = today - timedelta(days=11 + index)
        for week in range(8):
            factories.make_order(customer, [(product, 4 + index)], order_date=last - timedelta(weeks=week))
        factories.make_invoice(customer, amount=f"{300 + 40 * index}.00", due_on=today - timedelta(days=3))
        noon = datetime.combine(today - timedelta(days=20 + index), time(12), tzinfo=world.acme.tzinfo)
        factories.make_activity(customer, world.rep1, occurred_at=noon, subject="Tasting")
        customers[name] = customer
    theirs = factories.make_customer(world.acme, world.rep2, name="Corner Cellar")
    for week in range(8):
        factories.make_order(theirs, [(product, 3)], order_date=today - timedelta(days=16, weeks=week))
    customers["Corner Cellar"] = theirs
    return customers


def _names(page: Any) -> list[str]:
    return [n.strip() for n in page.locator("#drilldown-results tbody td.cell-primary a").all_inner_texts()]


def test_a_manager_sorts_and_pages_a_drilldown_on_a_desk(
    world: World, late_book: dict[str, Any], desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "manager@acme.test")
    # given the at-risk drilldown opened from its URL, five rows a page
    page.goto("/dashboard/drilldown/at-risk-cadence/?page_size=5")
    assert page.get_by_role("heading", level=1).inner_text() == "At-risk customers"
    assert page.get_by_text("From the metric").is_visible()
    assert page.locator("#drilldown-summary").inner_text().startswith("9 rows")
    assert _names(page)[0] == "Vineyard View Inn"  # most overdue first: 18 days since its last order
    screenshot(page, "drilldown-desktop")
    page.evaluate("window.__sameDocument = true")

    # when they sort by customer name
    page.locator("#drilldown-results thead").get_by_role("link", name="Customer").click()
    page.wait_for_url("**sort=name**")
    page.wait_for_function(
        "document.querySelector('#drilldown-results tbody td.cell-primary a').textContent.trim() === "
        "'Blue Door Bistro'"
    )
    # then the table was swapped in place, A to Z, and the download link follows the sort
    assert page.evaluate("window.__sameDocument") is True
    assert _names(page) == sorted(_names(page))
    assert "sort=name" in (page.locator("#drilldown-csv").get_attribute("href") or "")

    # when they go to the next page
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url("**page=2**")
    page.wait_for_function("document.querySelector('.pagination').textContent.includes('Page 2 of 2')")
    assert _names(page) == [
        "Marina Oyster Bar",
        "Olive Grove Trattoria",
        "Redwood Grocers",
        "Vineyard View Inn",
    ]
    screenshot(page, "drilldown-page-2-desktop")

    # when they filter to one rep
    page.get_by_label("Showing").select_option(label="Rep2")
    page.wait_for_function("document.querySelector('#drilldown-summary').textContent.startsWith('1 row')")
    assert _names(page) == ["Corner Cellar"]


def test_a_rep_reads_a_drilldown_and_a_customers_health_on_a_phone(
    world: World, late_book: dict[str, Any], phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "rep1@acme.test")
    page.goto("/dashboard/drilldown/at-risk-cadence/")
    # then rows are stacked: each cell on its own line with its label, nothing wider than the screen
    first_row = page.locator("#drilldown-results tbody tr").first
    assert first_row.locator("td").nth(1).evaluate("el => getComputedStyle(el).display") != "table-cell"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_label("Sort by").is_visible()
    screenshot(page, "drilldown-phone")

    # when they sort with the phone's select
    page.get_by_label("Sort by").select_option(label="Customer, A to Z")
    page.wait_for_url("**sort=name**")
    page.wait_for_function(
        "document.querySelector('#drilldown-results tbody td.cell-primary a').textContent.trim() === "
        "'Blue Door Bistro'"
    )

    # when they open a customer from the list
    page.get_by_role("link", name="Blue Door Bistro").click()
    page.wait_for_url(f"**/customers/{late_book['Blue Door Bistro'].pk}/")
    panel = page.get_by_test_id("health-panel")
    assert panel.get_by_role("heading", name="Health").is_visible()
    assert panel.get_by_test_id("health-score").inner_text().strip().isdigit()
    assert "Pulled down by overdue ratio" in panel.get_by_test_id("health-summary").inner_text()
    assert panel.get_by_role("link", name="At-risk customer v1").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "customer-health-phone")


def test_the_health_panel_on_a_desk(
    world: World, late_book: dict[str, Any], desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "rep1@acme.test")
    page.goto(f"/customers/{late_book['Redwood Grocers'].pk}/")
    panel = page.get_by_test_id("health-panel")
    assert panel.get_by_test_id("health-reason").count() == 4
    assert panel.get_by_text("Usual interval", exact=True).is_visible()
    # the three parts sit side by side on a desk
    boxes = [
        panel.locator(f".{part}").bounding_box() for part in ("health-score", "health-reasons", "health-side")
    ]
    assert all(box is not None for box in boxes)
    tops = {round(box["y"]) for box in boxes if box}
    assert len(tops) == 1
    screenshot(page, "customer-health-desktop")
