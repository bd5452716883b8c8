"""The call plan in a real browser: a week planned by keyboard and by drag on a desktop, then a stop
completed from the phone's Today view through the shared Log activity form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from leora.callplan.generation import plans_generate
from leora.callplan.models import CallPlanItem
from leora.callplan.services import item_update
from leora.crm.models import Activity, CalendarEvent
from leora.tenancy.calendar import tenant_today
from tests import factories
from tests.callplan.conftest import Book, make_book
from tests.conftest import World

pytestmark = pytest.mark.browser


@pytest.fixture
def planned(world: World, unscoped: None) -> Book:
    book = make_book(world)
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])
    return book


def _day_list(page: Any, day: Any) -> Any:
    return page.locator(f"ol[data-drop-day='{day.isoformat()}']")


def test_a_rep_plans_the_week_by_keyboard_and_by_drag(
    world: World, planned: Book, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    tuesday, wednesday = planned.monday + timedelta(days=1), planned.monday + timedelta(days=2)
    # given rep1's proposal, reached from the top bar
    sign_in(page, "rep1@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Call plan").click()
    page.wait_for_url(f"**/callplan/weeks/{planned.week}/")
    proposal = page.locator(".plan-proposal .plan-item")
    assert proposal.first.get_attribute("aria-label") == "Alder Bistro"
    screenshot(page, "callplan-week-desktop")

    # when they schedule Alder Bistro on Tuesday with the keyboard control
    control = page.get_by_label("Schedule Alder Bistro on")
    control.focus()
    control.select_option(tuesday.isoformat())
    toast_shown(page, "Alder Bistro on")
    # then it sits in Tuesday's column and its visit is on the calendar
    _day_list(page, tuesday).get_by_role("link", name="Alder Bistro").wait_for()
    alder = CallPlanItem.objects.get(customer=planned.customers["alder"])
    assert alder.scheduled_date == tuesday
    assert CalendarEvent.objects.filter(pk=alder.event_id, user=world.rep1).exists()

    # when they drag Birch Bar from the proposal onto Wednesday
    page.locator(".plan-item[aria-label='Birch Bar']").drag_to(_day_list(page, wednesday))
    _day_list(page, wednesday).get_by_role("link", name="Birch Bar").wait_for()
    assert CallPlanItem.objects.get(customer=planned.customers["birch"]).scheduled_date == wednesday

    # and drag Birch Bar above the Iris Inn visit already booked that day
    iris = _day_list(page, wednesday).locator(".plan-item[aria-label='Iris Inn']")
    page.locator(".plan-item[aria-label='Birch Bar']").drag_to(iris, target_position={"x": 20, "y": 4})
    page.wait_for_function(
        "() => { const names = [...document.querySelectorAll(\"ol[data-drop-day='"
        + wednesday.isoformat()
        + "'] .plan-item\")].map(e => e.getAttribute('aria-label')); return names[0] === 'Birch Bar'; }"
    )
    page.wait_for_function("!document.querySelector('.plan-item.is-moving, .plan-item.is-dragging')")
    screenshot(page, "callplan-week-planned-desktop")


def test_a_rep_completes_a_stop_from_the_phone(
    world: World, planned: Book, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = phone
    today = tenant_today(world.acme)
    rep1 = factories.actor(world.acme, world.rep1)
    for key in ("cedar", "alder"):
        item = CallPlanItem.objects.get(customer=planned.customers[key])
        item_update(actor=rep1, item=item, changes={"scheduled_date": today, "action": "visit"})
    sign_in(page, "rep1@acme.test")
    page.goto("/callplan/today/")
    stops = page.locator(".today-stop")
    count = stops.count()
    assert count >= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    screenshot(page, "callplan-today-phone")

    # when they tap Log outcome on Cedar Cellars and save the prefilled form
    cedar = page.locator(".today-stop", has_text="Cedar Cellars")
    cedar.get_by_role("link", name="Log outcome").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_label("Outcome").fill("Ordered two cases of the Pinot")
    assert dialog.get_by_label("Type").input_value() == "visit"
    screenshot(page, "callplan-today-log-phone")
    dialog.get_by_role("button", name="Log activity").click()
    toast_shown(page, "Visit logged for Cedar Cellars")

    # then the stop ticks off in place
    page.wait_for_function("document.querySelector('#today-title').textContent.startsWith('1 of')")
    # (htmx settles the new classes a moment after the swap)
    page.locator(".today-stop.is-done", has_text="Cedar Cellars").wait_for()
    assert Activity.objects.filter(
        customer=planned.customers["cedar"], user=world.rep1, kind="visit"
    ).exists()
    screenshot(page, "callplan-today-done-phone")


def test_the_week_board_fits_a_phone(
    world: World, planned: Book, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "rep1@acme.test")
    page.goto(f"/callplan/weeks/{planned.week}/")
    page.locator(".plan-proposal .plan-item").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    screenshot(page, "callplan-week-phone")
