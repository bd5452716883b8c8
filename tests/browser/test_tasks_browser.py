"""A rep works through their tasks, and a manager reads the team's week, in a real browser."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import Task
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_task(world: World, sample_book: Any, unscoped: None) -> Task:
    today = timezone.localdate(timezone=world.acme.tzinfo)
    return factories.make_task(
        world.acme,
        world.rep1,
        title="Call Blue Door about the Rioja reorder",
        customer=sample_book["Blue Door Bistro"],
        due_date=today - timedelta(days=2),
        priority="urgent",
        assigned_by=world.manager,
    )


def test_a_rep_completes_a_task_with_one_click(
    world: World, overdue_task: Task, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    # given a rep on their task list
    sign_in(page, "rep1@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    page.wait_for_url("**/tasks/")
    row = page.locator(f"#task-{overdue_task.pk}")
    assert "2 days overdue" in row.inner_text()
    assert row.get_by_text("Overdue", exact=True).is_visible()
    screenshot(page, "tasks-desktop")
    page.evaluate("window.__sameDocument = true")

    # when they mark the overdue task done
    row.get_by_role("button", name="Mark done").click()

    # then the row turns done in place, a toast confirms it, and the database agrees
    page.wait_for_function(
        f"document.querySelector('#task-{overdue_task.pk} .task-status').textContent.trim() === 'Done'"
    )
    row = page.locator(f"#task-{overdue_task.pk}")
    assert row.get_by_role("button", name="Reopen").is_visible()
    assert page.evaluate("window.__sameDocument") is True, "completing reloaded the whole page"
    toast_shown(page, "marked done")
    screenshot(page, "tasks-completed-desktop")
    overdue_task.refresh_from_db()
    assert overdue_task.status == "done" and overdue_task.completed_at is not None


def test_the_task_list_reads_on_a_phone(
    world: World, overdue_task: Task, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    sign_in(phone, "rep1@acme.test")
    phone.goto("/tasks/")
    assert phone.locator(f"#task-{overdue_task.pk}").is_visible()
    screenshot(phone, "tasks-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"


def test_a_manager_assigns_a_task_and_reads_the_teams_week(
    world: World,
    sample_book: Any,
    desktop: Any,
    sign_in: Any,
    toast_shown: Any,
    screenshot: Any,
    unscoped: None,
) -> None:
    today = timezone.localdate(timezone=world.acme.tzinfo)
    tz = world.acme.tzinfo
    for offset, (who, title, hour) in enumerate(
        [
            (world.rep1, "Rioja tasting", 10),
            (world.rep2, "Cellar walk-through", 14),
            (world.rep1, "Buyer lunch", 12),
        ]
    ):
        starts = datetime.combine(today + timedelta(days=offset), time(hour), tzinfo=tz)
        factories.make_event(
            world.acme, who, title=title, starts_at=starts, customer=sample_book["Blue Door Bistro"],
            location="Napa",
        )  # fmt: skip
    page = desktop
    sign_in(page, "manager@acme.test")

    # a manager hands a task to a rep with the form in the modal
    page.goto("/tasks/?scope=team")
    page.locator("#action-new-task").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name="New task").wait_for()
    dialog.get_by_label("Title").fill("Visit the five lapsed accounts")
    dialog.get_by_label("Assignee").select_option(str(world.rep2.pk))
    dialog.get_by_label("Priority").select_option("high")
    screenshot(page, "tasks-new-form-desktop", full_page=False)
    dialog.get_by_role("button", name="Save task").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "assigned to")
    page.locator(".task-title", has_text="Visit the five lapsed accounts").wait_for()
    screenshot(page, "tasks-team-desktop")

    # and reads the team's week
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/calendar/")
    week = page.locator("#week-view")
    for title in ("Rioja tasting", "Cellar walk-through"):
        assert week.get_by_text(title).first.is_visible()
    screenshot(page, "calendar-desktop")
    page.get_by_role("link", name="Next week").click()
    page.wait_for_url("**/calendar/?week=*")
    screenshot(page, "calendar-next-week-desktop")
