"""A rep creates tasks for themselves in the shared form modal: from the tasks page and from a
customer's page, at desktop width and on a phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from leora.crm.models import Task
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser


@pytest.fixture
def overdue_task(world: World, sample_book: Any, unscoped: None) -> Task:
    return factories.make_task(
        world.acme, world.rep1, title="Call Blue Door about the Rioja reorder",
        customer=sample_book["Blue Door Bistro"], priority="urgent", assigned_by=world.manager,
        due_date=timezone.localdate(timezone=world.acme.tzinfo) - timedelta(days=6),
    )  # fmt: skip


def _open_new_task(page: Any, heading: str) -> Any:
    page.locator("#action-new-task").click()
    dialog = page.locator("#form-modal")
    dialog.get_by_role("heading", name=heading).wait_for()
    return dialog


def test_a_rep_creates_a_task_for_themselves_on_the_tasks_page(
    world: World, overdue_task: Task, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    sign_in(page, "rep1@acme.test")
    page.goto("/tasks/")
    screenshot(page, "tasks-page-desktop")
    page.evaluate("window.__sameDocument = true")

    # the form opens in the modal, without an assignee picker: the task is the rep's own
    dialog = _open_new_task(page, "New task")
    assert dialog.get_by_label("Assignee").count() == 0
    assert dialog.get_by_text("The task goes on your own list.").is_visible()

    # a blank title is refused inside the modal and nothing is written
    dialog.get_by_role("button", name="Add task").click()
    dialog.locator("#error-title").wait_for()
    assert not Task.objects.for_tenant(world.acme).filter(assigned_by=world.rep1).exists()

    # filled in and saved: the modal closes, a toast confirms, the list shows it without a reload
    dialog.get_by_label("Title").fill("Bring the new Rioja samples")
    dialog.get_by_label("Search customers by name").fill("fig")
    picker = dialog.locator("select[name=customer]")
    page.wait_for_function("document.querySelectorAll('#id_customer option').length === 2")
    picker.select_option(label="Fig & Vine Wine Shop · AC-1041")
    due = timezone.localdate(timezone=world.acme.tzinfo) + timedelta(days=3)
    dialog.get_by_label("Due date").fill(due.isoformat())
    dialog.get_by_label("Priority").select_option("high")
    screenshot(page, "task-form-desktop", full_page=False)
    dialog.get_by_role("button", name="Add task").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "added to your list")
    page.locator(".task-title", has_text="Bring the new Rioja samples").wait_for()
    assert page.evaluate("window.__sameDocument") is True, "saving reloaded the whole page"
    task = Task.objects.for_tenant(world.acme).get(title="Bring the new Rioja samples")
    assert (task.assigned_to, task.assigned_by, task.priority) == (world.rep1, world.rep1, "high")
    assert task.customer is not None and task.customer.name == "Fig & Vine Wine Shop"
    assert task.due_date == due
    row = page.locator(f"#task-{task.pk}")
    assert "due in 3 days" in row.inner_text()
    screenshot(page, "tasks-page-after-new-task-desktop")


def test_a_rep_creates_a_task_on_a_phone_and_reads_its_due_label_in_full(
    world: World, overdue_task: Task, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = phone
    sign_in(page, "rep1@acme.test")
    page.goto("/tasks/")

    # the overdue card shows its whole due label
    due = page.locator(f"#task-{overdue_task.pk} .task-due time")
    assert due.inner_text() == "6 days overdue"
    fits = due.evaluate(
        "el => el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().right <= 390"
    )
    assert fits, "the due label is cut off"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "tasks-page-phone")

    dialog = _open_new_task(page, "New task")
    box = dialog.bounding_box()
    assert box is not None and box["width"] >= 380
    dialog.get_by_label("Title").fill("Drop off the tasting notes")
    screenshot(page, "task-form-phone", full_page=False)
    dialog.get_by_role("button", name="Add task").tap()
    dialog.wait_for(state="hidden")
    toast_shown(page, "added to your list")
    page.locator(".task-title", has_text="Drop off the tasting notes").wait_for()
    assert (
        Task.objects.for_tenant(world.acme)
        .filter(title="Drop off the tasting notes", assigned_to=world.rep1)
        .exists()
    )


def test_a_rep_creates_a_task_from_a_customers_page(
    world: World, overdue_task: Task, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    page = desktop
    customer = overdue_task.customer
    assert customer is not None
    sign_in(page, "rep1@acme.test")
    page.goto(f"/customers/{customer.pk}/")
    tasks = page.locator("#customer-tasks")
    before = Task.objects.for_tenant(world.acme).filter(customer=customer, status="open").count()
    assert f"{before} open tasks: see all" in tasks.inner_text()

    dialog = _open_new_task(page, f"New task · {customer.name}")
    assert dialog.get_by_label("Customer").input_value().startswith(customer.name)
    dialog.get_by_label("Title").fill("Send the spring price list")
    dialog.get_by_role("button", name="Add task").click()
    dialog.wait_for(state="hidden")
    toast_shown(page, "added to your list")
    # the page's sections fetch themselves again: the new task and the count show without a reload
    tasks.get_by_text("Send the spring price list").wait_for()
    page.wait_for_function(
        "n => document.querySelector('#customer-tasks').innerText.includes(n + ' open tasks')", arg=before + 1
    )
    page.wait_for_function("document.activeElement && document.activeElement.id === 'action-new-task'")
    screenshot(page, "customer-tasks-section-desktop")

    # "see all" opens the tasks page filtered to this customer
    tasks.get_by_role("link", name="See all").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/tasks/" and f"customer={customer.pk}" in url)
    assert page.locator("#task-subtitle").inner_text() == f"Your open tasks for {customer.name}"
    assert page.locator(".task-title").count() == before + 1
