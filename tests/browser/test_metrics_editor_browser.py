"""The metric editor on a phone (the builder fits its card, the page's first button is not Deprecate)
and a stale result after the formula stops being valid."""

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
    fresh = factories.make_customer(world.acme, world.rep1, name="Blue Door Bistro", account_type="TARGET")
    factories.make_order(fresh, order_date=today - timedelta(days=2))


def overflowing(page: Any, selector: str) -> list[str]:
    """Controls under ``selector`` whose right edge passes the right edge of their card."""
    return list(
        page.evaluate(
            """selector => {
              const bad = [];
              document.querySelectorAll(selector).forEach(card => {
                const edge = card.getBoundingClientRect().right;
                card.querySelectorAll('select, input, button, textarea').forEach(control => {
                  const box = control.getBoundingClientRect();
                  const name = control.getAttribute('aria-label') || control.textContent;
                  if (box.width && box.right > edge + 0.5) bad.push(name);
                });
              });
              return bad;
            }""",
            selector,
        )
    )


def test_the_builder_fits_its_card_on_a_phone(
    world: World, late_buyers: None, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/new/")
    page.get_by_label("Formula text").fill(FORMULA)
    page.locator("#formula-status").get_by_text("Valid segment").wait_for()
    page.locator(".metrics-group-nested").wait_for()
    page.locator("#formula-builder").evaluate("el => el.scrollIntoView()")
    screenshot(page, "metrics-builder-phone", full_page=False)
    assert overflowing(page, ".card") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_deprecate_is_not_the_first_button_of_a_metric_on_a_phone(
    world: World, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/dormant_customer/")
    page.locator("#formula-status").get_by_text("Valid segment").wait_for()
    deprecate = page.get_by_role("button", name="Deprecate")
    first_button = page.locator("main button:visible").first
    assert first_button.inner_text() != "Deprecate"
    deprecate_box = deprecate.bounding_box()
    save_box = page.get_by_role("button", name="Save new version").bounding_box()
    assert deprecate_box is not None and save_box is not None
    assert deprecate_box["y"] > save_box["y"]  # below the work, not above it
    assert deprecate_box["width"] < page.viewport_size["width"] - 64  # not a full-width bar
    screenshot(page, "metrics-editor-top-phone", full_page=False)
    deprecate.scroll_into_view_if_needed()
    screenshot(page, "metrics-editor-deprecate-phone", full_page=False)


def test_an_invalid_formula_marks_the_last_result_and_the_builder_stale(
    world: World, late_buyers: None, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/new/")
    text = page.get_by_label("Formula text")
    status = page.locator("#formula-status")
    preview = page.locator("#metric-preview")
    stale_result = page.locator("#metric-preview-stale")
    stale_builder = page.locator("#builder-stale")

    # given: a tested formula whose result is shown
    text.fill("days_since_last_order > 21")
    status.get_by_text("Valid segment").wait_for()
    page.get_by_role("button", name="Test", exact=True).click()
    preview.get_by_text("of 2 customers match").wait_for()
    assert stale_result.is_hidden() and stale_builder.is_hidden()

    # when: the text stops being valid
    text.fill("days_since_last_order > ")
    status.get_by_text("Line 1, column").wait_for()

    # then: the old count is marked as the earlier formula's and the builder is locked, saying why
    stale_result.get_by_text("The formula has an error now").wait_for()
    assert "metrics-preview-stale" in (preview.get_attribute("class") or "")
    stale_builder.wait_for(state="visible")
    assert page.get_by_label("Condition 1 attribute").is_disabled()
    screenshot(page, "metrics-editor-stale-desktop", full_page=False)

    # when: the text is valid again, the builder follows it and unlocks; the count is still stale
    text.fill("balance_due > 500")
    status.get_by_text("Valid segment").wait_for()
    stale_builder.wait_for(state="hidden")
    assert page.get_by_label("Condition 1 attribute").input_value() == "balance_due"
    assert page.get_by_label("Condition 1 attribute").is_enabled()
    stale_result.get_by_text("not the one above").wait_for()

    # and testing again gives this formula's count, no longer marked
    stale_result.get_by_role("button", name="Test again").click()
    preview.get_by_text("of 2 customers match").wait_for()
    assert preview.locator("strong").inner_text() == "1"
    assert stale_result.is_hidden()
    assert "metrics-preview-stale" not in (preview.get_attribute("class") or "")


def test_going_back_to_the_tested_formula_clears_the_stale_mark(
    world: World, late_buyers: None, desktop: Any, sign_in: Any
) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/new/")
    text = page.get_by_label("Formula text")
    text.fill("balance_due > 500")
    page.locator("#formula-status").get_by_text("Valid segment").wait_for()
    page.get_by_role("button", name="Test", exact=True).click()
    page.locator("#metric-preview").get_by_text("of 2 customers match").wait_for()
    stale_result = page.locator("#metric-preview-stale")

    page.get_by_label("Condition 1 value").fill("600")
    stale_result.wait_for(state="visible")
    page.get_by_label("Condition 1 value").fill("500")
    stale_result.wait_for(state="hidden")


def test_deprecate_from_the_card_at_the_end_then_restore_from_the_header(
    world: World, desktop: Any, sign_in: Any, screenshot: Any
) -> None:
    page = desktop
    sign_in(page, "admin@acme.test")
    page.goto("/metrics/dormant_customer/")
    page.locator("#formula-status").get_by_text("Valid segment").wait_for()
    card = page.get_by_role("region", name="Deprecate this metric")
    card.scroll_into_view_if_needed()
    screenshot(page, "metrics-editor-deprecate-desktop", full_page=False)

    card.get_by_role("button", name="Deprecate").click()
    page.locator("#confirm-modal").get_by_role("button", name="Deprecate").click()
    restore = page.locator(".page-actions").get_by_role("button", name="Restore metric")
    restore.wait_for()
    assert page.get_by_role("region", name="Deprecate this metric").count() == 0

    restore.click()
    page.get_by_role("region", name="Deprecate this metric").wait_for()
