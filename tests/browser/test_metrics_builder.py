"""The metric editor in a real browser: build a formula with rows and a nested group, test it,
save it, edit it again and find two versions in the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORMULA = "days_since_last_order > 21 and (balance_due > 500 or account_type = 'TARGET')"


@pytest.fixture
def late_buyers(world: World, unscoped: None) -> None:
    today = timezone.localdate(timezone=world.acme.tzinfo)
    late = factories.make_customer(world.acme, world.rep1, name="Harbor Lights Hotel", account_type="ACTIVE")
    factories.make_order(late, order_date=today - timedelta(days=30))
    factories.make_invoice(late, "900.00", issued_on=today - timedelta(days=30))
    target = factories.make_customer(world.acme, world.rep2, name="The Copper Still", account_type="TARGET")
    factories.make_order(target, order_date=today - timedelta(days=40))
    fresh = factories.make_customer(world.acme, world.rep1, name="Blue Door Bistro", account_type="TARGET")
    factories.make_order(fresh, order_date=today - timedelta(days=2))


def set_row(page: Any, number: int, attribute: str, op: str, value: str) -> None:
    row = page.get_by_role("group", name=f"Condition {number}", exact=True)
    row.get_by_label(f"Condition {number} attribute").select_option(attribute)
    row = page.get_by_role("group", name=f"Condition {number}", exact=True)
    row.get_by_label(f"Condition {number} comparison").select_option(op)
    page.get_by_label(f"Condition {number} value").fill(value)


def test_build_test_save_edit_and_see_two_versions(
    world: World, late_buyers: None, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/new/")

    # given: a condition at the top level and an OR group holding two more
    builder = page.locator("#formula-builder")
    builder.get_by_role("button", name="Add condition").first.click()
    set_row(page, 1, "days_since_last_order", ">", "21")
    builder.get_by_role("button", name="Add group").first.click()
    nested = builder.locator(".metrics-group-nested")
    nested.get_by_label("Match").select_option("or")
    nested.get_by_role("button", name="Add condition").click()
    set_row(page, 2, "balance_due", ">", "500")
    nested.get_by_role("button", name="Add condition").click()
    set_row(page, 3, "account_type", "=", "TARGET")

    # then: the text follows the builder and the server says it is valid
    assert page.get_by_label("Formula text").input_value() == FORMULA
    status = page.locator("#formula-status")
    status.get_by_text("Valid segment").wait_for()

    # when: testing it on live data
    page.get_by_role("button", name="Test").click()
    preview = page.locator("#metric-preview")
    preview.get_by_text("of 3 customers match").wait_for()
    assert preview.locator("strong").inner_text() == "2"
    assert preview.get_by_role("link", name="Harbor Lights Hotel").is_visible()
    screenshot(page, "metrics-builder-desktop")

    # and saving it
    page.get_by_label("Code").fill("late_targets")
    page.get_by_label("Name", exact=True).fill("Late targets and debtors")
    page.get_by_role("button", name="Create metric").click()
    page.wait_for_url("**/metrics/late_targets/")

    # then: the builder is rebuilt from the saved text; edit a value and save a new version
    page.locator("#formula-status").get_by_text("Valid segment").wait_for()
    page.get_by_label("Condition 1 value").fill("30")
    expected = FORMULA.replace("> 21", "> 30")
    assert page.get_by_label("Formula text").input_value() == expected
    page.get_by_label("What changed and why").fill("A month, not three weeks")
    page.get_by_role("button", name="Save new version").click()
    toast_shown(page, "Saved version 2.")
    history = page.locator("#metric-history")
    history.get_by_text("Version 2").wait_for()
    assert history.locator(".metrics-version").count() == 2
    assert history.get_by_text("A month, not three weeks").is_visible()

    # and the diff between them shows what changed
    page.get_by_role("button", name="Compare versions").click()
    page.locator("#metric-diff ins").get_by_text("30").wait_for()
    screenshot(page, "metrics-history-desktop")


def test_typing_text_rebuilds_the_builder_and_errors_show_where(
    world: World, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/new/")
    text = page.get_by_label("Formula text")
    text.fill("order_count >= 3 and (overdue_ratio > 1.5 or balance_due > 100)")
    page.locator("#formula-status").get_by_text("Valid segment").wait_for()
    assert page.locator(".metrics-row").count() == 3
    assert page.locator(".metrics-group-nested").count() == 1
    text.fill("order_count >= ")
    page.locator("#formula-status").get_by_text("Line 1, column 16").wait_for()
    assert text.get_attribute("aria-invalid") == "true"


def test_the_list_searches_as_you_type_on_a_phone(
    world: World, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/")
    page.get_by_label("Search").fill("dormant_")
    page.locator("#metric-results").get_by_text("dormant_customer").wait_for()
    page.wait_for_function("document.querySelectorAll('#metric-results tbody tr').length === 1")
    screenshot(page, "metrics-list-phone")
