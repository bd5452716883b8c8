"""The shared form modal in a real browser: it opens with the focus on a field, Escape and Cancel close
it and give the focus back, a 422 shows the errors inside it, and a save updates the page in place."""

from __future__ import annotations

from typing import Any

import pytest

from leora.crm.models import Activity
from tests.conftest import World

pytestmark = pytest.mark.browser


def _open_log_activity(page: Any) -> Any:
    page.locator("#action-log-activity").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="Log activity · Blue Door Bistro").wait_for()
    return dialog


def test_log_activity_in_the_modal(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    customer = sample_book["Blue Door Bistro"]
    sign_in(page, "rep1@acme.test")
    page.goto(f"/customers/{customer.pk}/")
    page.evaluate("window.__sameDocument = true")

    # Escape closes the modal and the focus goes back to the button that opened it.
    dialog = _open_log_activity(page)
    assert page.evaluate("document.activeElement.name") == "kind"
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "action-log-activity"

    # A bad submission is answered inside the modal with the field's error, and the focus on it.
    dialog = _open_log_activity(page)
    now = dialog.get_by_label("When").input_value()
    dialog.get_by_label("When").fill("")
    dialog.get_by_label("Outcome").fill("Ordered two cases of the Rioja")
    dialog.get_by_role("button", name="Log activity").click()
    dialog.locator("#error-occurred_at").wait_for()
    assert page.evaluate("document.activeElement.name") == "occurred_at"
    assert dialog.get_by_label("Outcome").input_value() == "Ordered two cases of the Rioja"
    screenshot(page, "form-modal-error-desktop", full_page=False)

    # Fixed and saved: the modal closes, a toast confirms, the timeline shows it without a reload.
    dialog.get_by_label("When").fill(now)
    dialog.get_by_role("button", name="Log activity").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "Visit logged for Blue Door Bistro.")
    page.locator("#customer-page .timeline").get_by_text("Ordered two cases of the Rioja").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'action-log-activity'")
    assert page.evaluate("window.__sameDocument") is True, "saving reloaded the whole page"
    assert Activity.objects.for_tenant(world.acme).filter(customer=customer, kind="visit").count() >= 1


def test_the_modal_fills_a_phone_screen(
    world: World, sample_book: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    customer = sample_book["Blue Door Bistro"]
    sign_in(page, "rep1@acme.test")
    page.goto(f"/customers/{customer.pk}/")
    dialog = _open_log_activity(page)
    box = dialog.bounding_box()
    assert box is not None and box["width"] >= 380
    save = dialog.get_by_role("button", name="Log activity")
    save_box = save.bounding_box()
    assert save_box is not None and save_box["y"] + save_box["height"] <= 844
    screenshot(page, "form-modal-phone", full_page=False)
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="hidden")
