import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.crm.models import Task
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.factories import make_customer, make_task

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today(world: World) -> Any:
    return timezone.localdate(timezone=world.acme.tzinfo)


@pytest.fixture
def tasks(world: World, unscoped: None) -> dict[str, Task]:
    day = today(world)
    customer = make_customer(world.acme, world.rep1, name="Blue Door Bistro")
    return {
        "late": make_task(
            world.acme, world.rep1, title="Chase the lapsed order", due_date=day - timedelta(days=2),
            priority="urgent", customer=customer, assigned_by=world.manager,
        ),
        "soon": make_task(world.acme, world.rep1, title="Bring samples", due_date=day + timedelta(days=3)),
        "done": make_task(
            world.acme, world.rep1, title="Old tasting", status="done", completed_at=timezone.now()
        ),
        "rep2": make_task(world.acme, world.rep2, title="Rep two's call", assigned_by=world.manager),
        "mine": make_task(world.acme, world.manager, title="Quarterly plan", assigned_by=world.manager),
        "other": make_task(world.other, world.other_rep, title="Elsewhere task"),
    }  # fmt: skip


def test_the_page_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/tasks/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_rep_sees_their_open_tasks_and_nobody_elses(world: World, tasks: Any) -> None:
    page = signed_in(world.rep1).get("/tasks/").content.decode()
    assert "Chase the lapsed order" in page and "Bring samples" in page
    assert "Old tasting" not in page
    assert "Rep two&#x27;s call" not in page and "Rep two's call" not in page
    assert "Elsewhere task" not in page


def test_overdue_tasks_carry_a_text_label_and_relative_due_dates(world: World, tasks: Any) -> None:
    page = signed_in(world.rep1).get("/tasks/").content.decode()
    assert ">Overdue</span>" in page
    assert "2 days overdue" in page
    assert "due in 3 days" in page


def test_rows_show_priority_and_link_the_customer(world: World, tasks: Any) -> None:
    page = signed_in(world.rep1).get("/tasks/").content.decode()
    assert "Urgent</span>" in page
    assert f'href="/customers/{tasks["late"].customer_id}/"' in page


def test_the_done_tab_lists_completed_tasks(world: World, tasks: Any) -> None:
    page = signed_in(world.rep1).get("/tasks/", {"status": "done"}).content.decode()
    assert "Old tasting" in page and "Bring samples" not in page


def test_an_htmx_request_gets_only_the_results(world: World, tasks: Any) -> None:
    response = signed_in(world.rep1).get("/tasks/", {"status": "done"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="task-results"') and "<html" not in body


def test_a_rep_gets_the_new_task_opener(world: World, tasks: Any) -> None:
    page = signed_in(world.rep1).get("/tasks/").content.decode()
    assert 'id="action-new-task"' in page
    assert 'hx-get="/tasks/new/?next=%2Ftasks%2F"' in page and 'hx-target="#form-modal-body"' in page


def test_a_manager_sees_their_own_tasks_by_default_and_the_team_on_request(world: World, tasks: Any) -> None:
    manager = signed_in(world.manager)
    mine = manager.get("/tasks/").content.decode()
    assert "Quarterly plan" in mine and "Rep two" not in mine
    team = manager.get("/tasks/", {"scope": "team"}).content.decode()
    assert "Quarterly plan" in team and "Rep two" in team and "Bring samples" in team


def test_a_manager_filters_the_team_by_rep(world: World, tasks: Any) -> None:
    page = signed_in(world.manager).get("/tasks/", {"rep": world.rep2.pk}).content.decode()
    assert "Rep two" in page and "Bring samples" not in page and "Quarterly plan" not in page


def test_the_managers_form_offers_only_their_team(world: World, tasks: Any) -> None:
    page = signed_in(world.manager).get("/tasks/new/").content.decode()
    assert 'action="/tasks/new/?next=%2Ftasks%2F"' in page
    assert f'<option value="{world.rep1.pk}"' in page
    assert f'<option value="{world.manager.pk}" selected>' in page  # themselves by default
    assert f'<option value="{world.rep3.pk}"' not in page


def test_the_page_runs_a_fixed_number_of_queries(
    world: World, unscoped: None, django_assert_num_queries: Any
) -> None:
    customer = make_customer(world.acme, world.rep1)
    for _ in range(25):
        make_task(world.acme, world.rep1, customer=customer, assigned_by=world.manager)
    client = signed_in(world.manager)
    # session, user, membership, team; the people of the rep filter, count, one page of tasks
    # (customer and people joined): more tasks must not add any.
    with django_assert_num_queries(7):
        response = client.get("/tasks/", {"scope": "team"})
    assert response.status_code == 200


def test_the_customer_picker_runs_a_fixed_number_of_queries(
    world: World, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(12):
        make_customer(world.acme, world.rep1 if n % 2 else world.rep2, name=f"Shop {n:02d}")
    client = signed_in(world.manager)
    # session, user, membership, team, the matching customers: more customers must not add any.
    with django_assert_num_queries(5):
        response = client.get("/tasks/customer-options/", {"customer_search": "shop"})
    assert response.content.decode().count("<option") == 13


# Completing


def test_a_rep_completes_a_task_without_javascript(world: World, tasks: Any) -> None:
    task = tasks["soon"]
    response = signed_in(world.rep1).post(f"/tasks/{task.pk}/complete/", {"next": "/tasks/?status=todo"})
    assert response.status_code == 302 and response["Location"] == "/tasks/?status=todo"
    task.refresh_from_db()
    assert task.status == "done" and task.completed_at is not None
    assert (
        AuditEvent.objects.for_tenant(world.acme).filter(action="task.complete", actor=world.rep1).count()
        == 1
    )


def test_completing_with_htmx_returns_the_new_row_and_a_toast(world: World, tasks: Any) -> None:
    task = tasks["soon"]
    response = signed_in(world.rep1).post(f"/tasks/{task.pk}/complete/", headers=HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="task-{task.pk}"')
    assert ">Done</span>" in row and "Reopen" in row
    assert json.loads(response["HX-Trigger"])["toast"]["text"] == "“Bring samples” marked done."


def test_reopening_puts_a_done_task_back(world: World, tasks: Any) -> None:
    task = tasks["done"]
    response = signed_in(world.rep1).post(f"/tasks/{task.pk}/reopen/", headers=HTMX)
    assert ">Open</span>" in response.content.decode()
    task.refresh_from_db()
    assert (task.status, task.completed_at) == ("open", None)


def test_completing_another_reps_task_answers_404(world: World, tasks: Any) -> None:
    response = signed_in(world.rep1).post(f"/tasks/{tasks['rep2'].pk}/complete/")
    assert response.status_code == 404
    tasks["rep2"].refresh_from_db()
    assert tasks["rep2"].status == "open"


def test_completing_another_tenants_task_answers_404(world: World, tasks: Any) -> None:
    assert signed_in(world.admin).post(f"/tasks/{tasks['other'].pk}/complete/").status_code == 404


def test_completion_needs_post(world: World, tasks: Any) -> None:
    assert signed_in(world.rep1).get(f"/tasks/{tasks['soon'].pk}/complete/").status_code == 405


def test_a_next_url_off_the_site_is_ignored(world: World, tasks: Any) -> None:
    response = signed_in(world.rep1).post(
        f"/tasks/{tasks['soon'].pk}/complete/", {"next": "https://evil.example/tasks/"}
    )
    assert response["Location"] == "/tasks/"


# Creating


def test_a_manager_assigns_a_task_from_the_page(world: World, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep2, name="Corner Cellar")
    response = signed_in(world.manager).post(
        "/tasks/new/",
        {
            "title": "Taste the new Rioja",
            "assigned_to": world.rep2.pk,
            "customer": customer.pk,
            "due_date": "2026-12-10",
            "priority": "high",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    task = Task.objects.for_tenant(world.acme).get(title="Taste the new Rioja")
    assert (task.assigned_to, task.assigned_by, task.customer, task.priority) == (
        world.rep2,
        world.manager,
        customer,
        "high",
    )
    assert str(task.due_date) == "2026-12-10"


def test_a_missing_title_shows_an_inline_error_and_writes_nothing(world: World) -> None:
    response = signed_in(world.manager).post("/tasks/new/", {"title": " ", "assigned_to": world.rep1.pk})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="error-title"' in page and 'aria-invalid="true"' in page
    assert Task.objects.for_tenant(world.acme).count() == 0


def test_assigning_outside_the_team_shows_the_error_on_the_assignee(world: World) -> None:
    response = signed_in(world.manager).post("/tasks/new/", {"title": "X", "assigned_to": world.rep3.pk})
    assert response.status_code == 422
    assert 'id="error-assigned_to"' in response.content.decode()
    assert Task.objects.for_tenant(world.acme).count() == 0


def test_a_hidden_customer_shows_the_error_on_the_customer(world: World, unscoped: None) -> None:
    hidden = make_customer(world.acme, world.rep3)
    response = signed_in(world.manager).post(
        "/tasks/new/", {"title": "X", "assigned_to": world.rep1.pk, "customer": hidden.pk}
    )
    assert response.status_code == 422
    assert 'id="error-customer"' in response.content.decode()
    assert Task.objects.for_tenant(world.acme).count() == 0


def test_the_customer_picker_searches_visible_customers_only(world: World, unscoped: None) -> None:
    make_customer(world.acme, world.rep1, name="Blue Door Bistro")
    make_customer(world.acme, world.rep3, name="Blue Harbor Hotel")
    response = signed_in(world.manager).get("/tasks/customer-options/", {"customer_search": "blue"})
    options = response.content.decode()
    assert "Blue Door Bistro" in options and "Blue Harbor Hotel" not in options
