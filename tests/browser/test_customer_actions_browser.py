"""Acting from a customer's page in a real browser, at desktop and phone widths: logging a visit with
a follow-up task, editing the address (an error, then the fix), and keeping the contacts up to date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import Activity, Contact, Customer, Task
from tests.conftest import World

pytestmark = pytest.mark.browser

WIDTHS = ["desktop", "phone"]


def _customer_page(page: Any, customer: Customer) -> None:
    page.goto(f"/customers/{customer.pk}/")
    page.evaluate("window.__sameDocument = true")


def _open(page: Any, opener: str, title: str) -> Any:
    page.locator(f"#{opener}").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name=title).wait_for()
    return dialog


def _fits(page: Any) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


@pytest.mark.parametrize("width", WIDTHS)
def test_logging_a_visit_with_a_follow_up_task_from_a_customer_page(
    live_url: str,
    world: World,
    sample_book: Any,
    width: str,
    request: Any,
    sign_in: Any,
    toast_shown: Any,
    screenshot: Any,
) -> None:
    page = request.getfixturevalue(width)
    customer = sample_book["Olive Grove Trattoria"]
    due = timezone.localdate(timezone=world.acme.tzinfo) + timedelta(days=3)
    # given a rep on one of their customers' pages
    sign_in(page, "rep1@acme.test")
    _customer_page(page, customer)
    screenshot(page, f"customer-page-{width}")

    # when they log a visit and open the follow-up part of the form
    dialog = _open(page, "action-log-activity", "Log activity · Olive Grove Trattoria")
    assert dialog.get_by_label("Type").input_value() == "visit"
    assert dialog.get_by_label("When").input_value() != "", "when defaults to now"
    dialog.get_by_label("Outcome").fill("Walked the spring list; wants the Sancerre")
    dialog.get_by_label("Notes").fill("Chef back from holiday on Monday.")
    dialog.get_by_text("Add a follow-up task").click()
    dialog.get_by_label("Follow-up task").fill("Send the Sancerre price sheet")
    dialog.get_by_label("Due").fill(due.isoformat())
    _fits(page)
    screenshot(page, f"log-activity-follow-up-{width}", full_page=False)
    dialog.get_by_role("button", name="Log activity").click()

    # then the modal closes, a toast confirms both, and the page shows them without a reload
    dialog.wait_for(state="hidden")
    toast_shown(page, "Follow-up “Send the Sancerre price sheet” added to your tasks.")
    page.locator("#customer-activity .timeline").get_by_text("Walked the spring list").wait_for()
    page.locator("section[aria-labelledby=tasks-title]").get_by_text(
        "Send the Sancerre price sheet"
    ).wait_for()
    assert page.evaluate("window.__sameDocument") is True, "saving reloaded the whole page"
    page.wait_for_function("document.activeElement && document.activeElement.id === 'action-log-activity'")
    activity = Activity.objects.for_tenant(world.acme).get(customer=customer, subject__startswith="Walked")
    task = Task.objects.for_tenant(world.acme).get(title="Send the Sancerre price sheet")
    assert (activity.kind, activity.user_id) == ("visit", world.rep1.pk)
    assert (task.customer_id, task.assigned_to_id, task.due_date) == (customer.pk, world.rep1.pk, due)
    screenshot(page, f"customer-page-after-visit-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_editing_an_address_with_a_validation_error_then_a_fix(
    live_url: str,
    world: World,
    sample_book: Any,
    width: str,
    request: Any,
    sign_in: Any,
    toast_shown: Any,
    screenshot: Any,
) -> None:
    page = request.getfixturevalue(width)
    customer = sample_book["Blue Door Bistro"]
    sign_in(page, "rep1@acme.test")
    _customer_page(page, customer)

    # given the Edit form, opened from the header
    dialog = _open(page, "action-edit-customer", "Edit Blue Door Bistro")
    assert dialog.get_by_label("Name").input_value() == "Blue Door Bistro"
    assert dialog.get_by_label("Rep").count() == 0, "a rep does not reassign accounts"
    screenshot(page, f"edit-customer-{width}", full_page=False)

    # when they type a new address with a mistyped email
    dialog.get_by_label("Street").fill("18 Vine Street")
    dialog.get_by_label("City").fill("Sonoma")
    dialog.get_by_label("Postal code").fill("95476")
    dialog.get_by_label("Email").fill("orders at bluedoor")
    dialog.get_by_role("button", name="Save account").click()

    # then the form stays open with the error beside the email, what they typed kept, nothing saved
    dialog.locator("#error-email").wait_for()
    assert page.evaluate("document.activeElement.name") == "email"
    assert dialog.get_by_label("City").input_value() == "Sonoma"
    _fits(page)
    screenshot(page, f"edit-customer-error-{width}", full_page=False)
    customer.refresh_from_db()
    assert customer.city == "Napa"

    # when they fix it and save
    dialog.get_by_label("Email").fill("orders@bluedoor.test")
    dialog.get_by_role("button", name="Save account").click()

    # then the details show the new address at once
    dialog.wait_for(state="hidden")
    toast_shown(page, "Blue Door Bistro saved.")
    details = page.locator("#customer-details")
    details.get_by_text("18 Vine Street").wait_for()
    assert "orders@bluedoor.test" in details.inner_text()
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_function("document.activeElement && document.activeElement.id === 'action-edit-customer'")
    customer.refresh_from_db()
    assert (customer.street, customer.city, customer.postal_code, customer.email) == (
        "18 Vine Street",
        "Sonoma",
        "95476",
        "orders@bluedoor.test",
    )


def test_a_manager_moves_an_account_to_another_rep_of_the_team(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, toast_shown: Any
) -> None:
    page = desktop
    customer = sample_book["Hillside Market"]
    sign_in(page, "manager@acme.test")
    _customer_page(page, customer)
    dialog = _open(page, "action-edit-customer", "Edit Hillside Market")
    dialog.get_by_label("Rep").select_option(label=world.rep2.display_name)
    dialog.get_by_role("button", name="Save account").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "Hillside Market saved.")
    page.locator("#customer-details").get_by_text(world.rep2.display_name).wait_for()
    customer.refresh_from_db()
    assert customer.assigned_rep_id == world.rep2.pk


def test_keeping_the_contacts_up_to_date(
    world: World, sample_book: Any, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    customer = sample_book["Redwood Grocers"]
    old_primary = Contact.objects.for_tenant(world.acme).get(customer=customer)
    sign_in(page, "rep1@acme.test")
    _customer_page(page, customer)
    section = page.locator("#customer-contacts")
    assert section.get_by_test_id("contact-count").inner_text() == "1 contact"

    # add a contact: a blank name is refused in the form first
    dialog = _open(page, "action-add-contact", "Add a contact · Redwood Grocers")
    dialog.get_by_label("Role").fill("Wine buyer")
    dialog.get_by_role("button", name="Add contact").click()
    dialog.locator("#error-name").wait_for()
    dialog.get_by_label("Name").fill("Priya Shah")
    dialog.get_by_label("Email").fill("priya@redwood.test")
    screenshot(page, "contact-form-desktop", full_page=False)
    dialog.get_by_role("button", name="Add contact").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "Priya Shah added to Redwood Grocers.")
    section.get_by_text("Priya Shah").wait_for()
    page.wait_for_function(
        "document.querySelector('[data-testid=contact-count]').textContent.trim() === '2 contacts'"
    )
    priya = Contact.objects.for_tenant(world.acme).get(name="Priya Shah")

    # mark her primary: the badge moves
    page.locator(f"#contact-primary-{priya.pk}").click()
    toast_shown(page, "Priya Shah is now the primary contact.")
    page.locator(f"#contact-{priya.pk}").get_by_text("Primary", exact=True).wait_for()
    old_primary.refresh_from_db()
    assert old_primary.is_primary is False

    # edit her title
    dialog = _open(page, f"contact-edit-{priya.pk}", "Edit Priya Shah · Redwood Grocers")
    dialog.get_by_label("Role").fill("Head of wine")
    dialog.get_by_role("button", name="Save contact").click()
    dialog.wait_for(state="hidden")
    page.locator(f"#contact-{priya.pk}").get_by_text("Head of wine").wait_for()

    # remove the old contact, after saying yes to the confirmation
    page.locator(f"#contact-remove-{old_primary.pk}").click()
    confirm = page.locator("#confirm-modal")
    confirm.get_by_text(f"Remove {old_primary.name} from Redwood Grocers?").wait_for()
    screenshot(page, "contact-remove-confirm-desktop", full_page=False)
    confirm.get_by_role("button", name="Remove").click()
    toast_shown(page, f"{old_primary.name} removed.")
    page.locator(f"#contact-{old_primary.pk}").wait_for(state="detached")
    assert not Contact.objects.for_tenant(world.acme).filter(pk=old_primary.pk).exists()
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "customer-contacts-desktop")


@pytest.mark.parametrize("width", WIDTHS)
def test_logging_an_activity_from_the_activities_page_with_the_customer_picker(
    live_url: str,
    world: World,
    sample_book: Any,
    width: str,
    request: Any,
    sign_in: Any,
    toast_shown: Any,
    screenshot: Any,
) -> None:
    page = request.getfixturevalue(width)
    sign_in(page, "rep1@acme.test")
    page.goto("/activities/")
    page.evaluate("window.__sameDocument = true")
    before = int(page.locator("#activity-summary").inner_text().split()[0])

    dialog = _open(page, "action-log-activity", "Log activity")
    assert page.evaluate("document.activeElement.name") == "customer_search"
    page.keyboard.type("lantern")
    page.wait_for_function(
        "document.querySelectorAll('#id_customer option[value]:not([value=\"\"])').length === 1"
    )
    dialog.get_by_label("Customer", exact=True).select_option(
        label="Lantern Cocktail Club · AC-1050 · Oakland"
    )
    dialog.get_by_label("Type").select_option("call")
    dialog.get_by_label("Outcome").fill("Booked a tasting for Thursday")
    _fits(page)
    screenshot(page, f"activities-log-form-{width}", full_page=False)
    dialog.get_by_role("button", name="Log activity").click()

    dialog.wait_for(state="hidden")
    toast_shown(page, "Call logged for Lantern Cocktail Club.")
    page.wait_for_function(
        f"document.querySelector('#activity-summary').textContent.startsWith('{before + 1} ')"
    )
    page.locator("#activity-results").get_by_text("Booked a tasting for Thursday").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert (
        Activity.objects.for_tenant(world.acme)
        .filter(
            customer=sample_book["Lantern Cocktail Club"],
            kind="call",
            subject="Booked a tasting for Thursday",
        )
        .exists()
    )
