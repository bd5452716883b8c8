"""The "New task" form (shared modal or a page of its own), the tasks page's filters and subtitle, the
customer page's link to its tasks, and the dashboard's "See all N tasks"."""

from __future__ import annotations

import html
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.crm.models import Task
from leora.crm.selectors.customer_detail import customer_detail_get
from leora.crm.views.tasks import due_label
from leora.tenancy.models import AuditEvent
from tests import factories
from tests.conftest import World
from tests.crm.conftest import Book

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today(world: World) -> Any:
    return timezone.localdate(timezone=world.acme.tzinfo)


def tasks_of(world: World) -> Any:
    return Task.objects.for_tenant(world.acme)


def nothing_written(world: World) -> bool:
    audits = AuditEvent.objects.for_tenant(world.acme).filter(action="task.create")
    return not tasks_of(world).exists() and not audits.exists()


# The form


def test_the_form_opens_as_a_modal_fragment_for_htmx(world: World) -> None:
    response = signed_in(world.rep1).get("/tasks/new/", headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="form-modal-title"' in body and 'hx-target="#form-modal-body"' in body
    assert 'name="title"' in body and "Add task" in body


def test_without_javascript_the_form_is_a_page(world: World) -> None:
    page = signed_in(world.rep1).get("/tasks/new/").content.decode()
    assert "<html" in page and 'method="post" action="/tasks/new/' in page


def test_a_rep_gets_no_assignee_picker(world: World) -> None:
    body = signed_in(world.rep1).get("/tasks/new/", headers=HTMX).content.decode()
    assert 'name="assigned_to"' not in body and "The task goes on your own list." in body


def test_a_rep_creates_a_task_for_themselves_from_the_modal(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        "/tasks/new/",
        {
            "title": "Bring Rioja samples",
            "customer": book.rep1.pk,
            "due_date": "2030-05-02",
            "priority": "high",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert events["toast"]["text"] == "Task “Bring Rioja samples” added to your list."
    assert "records-changed" in events and "form-saved" in events
    task = tasks_of(world).get()
    assert (task.assigned_to, task.assigned_by, task.customer, task.priority) == (
        world.rep1, world.rep1, book.rep1, "high",
    )  # fmt: skip
    assert str(task.due_date) == "2030-05-02"
    assert (
        AuditEvent.objects.for_tenant(world.acme).filter(action="task.create", actor=world.rep1).count() == 1
    )


def test_without_javascript_saving_goes_back_where_the_form_was_opened(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        f"/tasks/new/?customer={book.rep1.pk}", {"title": "Call back", "next": f"/customers/{book.rep1.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/customers/{book.rep1.pk}/"
    assert tasks_of(world).get().customer == book.rep1


def test_a_rep_naming_someone_else_gets_the_error_on_the_assignee_and_nothing_is_written(
    world: World,
) -> None:
    response = signed_in(world.rep1).post(
        "/tasks/new/", {"title": "You do it", "assigned_to": world.rep2.pk}, headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-assigned_to"' in body and "themselves only" in body
    assert nothing_written(world)


def test_a_missing_title_is_422_with_the_error_inline(world: World) -> None:
    response = signed_in(world.rep1).post("/tasks/new/", {"title": ""}, headers=HTMX)
    assert response.status_code == 422
    assert 'id="error-title"' in response.content.decode()
    assert nothing_written(world)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_rep_opening_the_form_for_another_reps_customer_gets_404(
    world: World, book: Book, method: str
) -> None:
    client = signed_in(world.rep1)
    for customer in (book.rep2, book.other):
        url = f"/tasks/new/?customer={customer.pk}"
        response = client.post(url, {"title": "Sneaky"}) if method == "post" else client.get(url)
        assert response.status_code == 404
    assert nothing_written(world)


def test_a_form_opened_for_a_customer_fixes_that_customer(world: World, book: Book) -> None:
    body = signed_in(world.rep1).get(f"/tasks/new/?customer={book.rep1.pk}", headers=HTMX).content.decode()
    assert "New task · Blue Door Bistro" in body
    assert 'name="customer_search"' not in body  # no picker
    assert f'action="/tasks/new/?customer={book.rep1.pk}' in body


def test_a_manager_assigns_to_a_rep_of_their_team(world: World, book: Book) -> None:
    response = signed_in(world.manager).post(
        f"/tasks/new/?customer={book.rep2.pk}", {"title": "Visit", "assigned_to": world.rep2.pk}, headers=HTMX
    )
    assert json.loads(response["HX-Trigger"])["toast"]["text"] == "Task “Visit” assigned to Rep2."
    assert tasks_of(world).get().assigned_to == world.rep2


def test_a_manager_assigning_outside_the_team_gets_the_error_on_the_assignee(world: World) -> None:
    response = signed_in(world.manager).post(
        "/tasks/new/", {"title": "X", "assigned_to": world.rep3.pk}, headers=HTMX
    )
    assert response.status_code == 422
    assert 'id="error-assigned_to"' in response.content.decode()
    assert nothing_written(world)


# The list's filters and subtitle


@pytest.fixture
def work(world: World, book: Book, unscoped: None) -> dict[str, Task]:
    return {
        "from_manager": factories.make_task(
            world.acme, world.rep1, title="Chase Blue Door", customer=book.rep1, assigned_by=world.manager
        ),
        "own": factories.make_task(world.acme, world.rep1, title="Own note", assigned_by=world.rep1),
        "fig": factories.make_task(world.acme, world.rep1, title="Fig samples", customer=book.rep1b),
        "rep2": factories.make_task(
            world.acme, world.rep2, title="Corner call", customer=book.rep2, assigned_by=world.manager
        ),
        "manager_from_admin": factories.make_task(
            world.acme, world.manager, title="Plan Q3", assigned_by=world.admin
        ),
        "manager_own": factories.make_task(
            world.acme, world.manager, title="Own plan", assigned_by=world.manager
        ),
    }


def listed(response: Any) -> set[str]:
    assert response.status_code == 200
    body = response.content.decode()
    return {title for title in ALL_TITLES if f'<span class="task-title">{title}</span>' in body}


ALL_TITLES = ["Chase Blue Door", "Own note", "Fig samples", "Corner call", "Plan Q3", "Own plan"]


def subtitle(response: Any) -> str:
    body = response.content.decode()
    start = body.index('id="task-subtitle"')
    return html.unescape(body[body.index(">", start) + 1 : body.index("</p>", start)])


def test_a_customers_tasks_are_listed_with_a_customer_filter(world: World, book: Book, work: Any) -> None:
    response = signed_in(world.rep1).get("/tasks/", {"customer": book.rep1.pk})
    assert listed(response) == {"Chase Blue Door"}
    assert subtitle(response) == "Your open tasks for Blue Door Bistro"
    assert "Customer: Blue Door Bistro" in response.content.decode()  # a filter one can remove


def test_a_managers_customer_filter_lists_the_whole_teams_tasks_like_the_customer_page(
    world: World, book: Book, work: Any
) -> None:
    response = signed_in(world.manager).get("/tasks/", {"customer": book.rep2.pk})
    assert listed(response) == {"Corner call"}
    assert subtitle(response) == "Your team's open tasks for Corner Cellar"


def test_a_customer_filter_for_a_customer_one_cannot_see_is_404(world: World, book: Book, work: Any) -> None:
    client = signed_in(world.rep1)
    for customer in (book.rep2, book.other):
        assert client.get("/tasks/", {"customer": customer.pk}).status_code == 404
    assert client.get("/tasks/", {"customer": "junk"}).status_code == 404


def test_tasks_handed_over_by_others_are_a_filter_with_their_own_subtitle(world: World, work: Any) -> None:
    response = signed_in(world.rep1).get("/tasks/", {"from": "others"})
    assert listed(response) == {"Chase Blue Door"}
    assert subtitle(response) == "Open tasks others assigned to you"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, "Your open tasks"),
        ({"scope": "team"}, "Your team's open tasks"),
        ({"status": "done"}, "Your completed tasks"),
        ({"status": "in_progress", "scope": "team"}, "Your team's tasks in progress"),
        ({"overdue": "1"}, "Your overdue tasks"),
        ({"rep": "REP2"}, "Open tasks of Rep2"),
        ({"rep": "REP2", "from": "others"}, "Open tasks others assigned to Rep2"),
    ],
)
def test_the_subtitle_says_which_tasks_are_listed(
    world: World, work: Any, params: dict[str, str], expected: str
) -> None:
    params = {k: (str(world.rep2.pk) if v == "REP2" else v) for k, v in params.items()}
    assert subtitle(signed_in(world.manager).get("/tasks/", params)) == expected


def test_an_admins_team_scope_is_everyone(world: World, work: Any) -> None:
    assert subtitle(signed_in(world.admin).get("/tasks/", {"scope": "team"})) == "Everyone's open tasks"


def test_a_filtered_list_for_htmx_carries_its_subtitle_out_of_band(world: World, work: Any) -> None:
    response = signed_in(world.rep1).get("/tasks/", {"from": "others"}, headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="task-results"')
    assert (
        '<p class="page-subtitle" id="task-subtitle" hx-swap-oob="true">Open tasks others assigned to you</p>'
        in body
    )


# The dashboard's link opens the same tasks


def widget(client: Client, **params: Any) -> str:
    response = client.get("/dashboard/widgets/preview/tasks_from_management/", params, headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_see_all_tasks_on_the_dashboard_opens_the_same_tasks(world: World, unscoped: None) -> None:
    for n in range(10):
        factories.make_task(world.acme, world.manager, title=f"From admin {n}", assigned_by=world.admin)
    factories.make_task(world.acme, world.manager, title="Own plan", assigned_by=world.manager)
    client = signed_in(world.manager)
    body = widget(client)
    assert "See all 10 tasks" in body and 'href="/tasks/?from=others"' in body
    listing = client.get("/tasks/", {"from": "others"})
    assert listing.content.decode().count('<span class="task-title">From admin') == 10
    assert "Own plan" not in listing.content.decode()
    assert subtitle(listing) == "Open tasks others assigned to you"


def test_see_all_tasks_of_a_rep_the_dashboard_is_filtered_to_opens_that_reps_tasks(
    world: World, unscoped: None
) -> None:
    for n in range(9):
        factories.make_task(world.acme, world.rep2, title=f"From manager {n}", assigned_by=world.manager)
    factories.make_task(world.acme, world.rep2, title="Rep2 own", assigned_by=world.rep2)
    client = signed_in(world.manager)
    body = widget(client, rep_id=world.rep2.pk)
    link = f'href="/tasks/?from=others&amp;rep={world.rep2.pk}"'
    assert "See all 9 tasks" in body and link in body
    listing = client.get("/tasks/", {"from": "others", "rep": str(world.rep2.pk)})
    assert listing.content.decode().count('<span class="task-title">From manager') == 9
    assert subtitle(listing) == "Open tasks others assigned to Rep2"


# Due dates in words


@pytest.mark.parametrize(
    ("status", "offset", "expected"),
    [
        ("done", 5, "due {date}"),
        ("done", -5, "was due {date}"),
        ("cancelled", 0, "due {date}"),
        ("open", 5, "due in 5 days"),
        ("open", -6, "6 days overdue"),
    ],
)
def test_due_label_never_says_was_due_for_a_date_still_to_come(
    world: World, status: str, offset: int, expected: str
) -> None:
    day = today(world)
    due = day + timedelta(days=offset)
    task = Task(title="x", status=status, due_date=due)
    when = f"{due.day} {due:%b}" if due.year == day.year else f"{due.day} {due:%b %Y}"
    assert due_label(task, day) == expected.format(date=when)


def test_the_customer_page_counts_all_its_open_tasks_while_showing_twenty(
    world: World, book: Book, unscoped: None
) -> None:
    for n in range(23):
        factories.make_task(world.acme, world.rep1, title=f"Task {n}", customer=book.rep1)
    factories.make_task(world.acme, world.rep1, title="Done", customer=book.rep1, status="done")
    factories.make_task(world.acme, world.rep2, title="Not rep1's", customer=book.rep1)
    detail = customer_detail_get(actor=factories.actor(world.acme, world.rep1), customer_id=book.rep1.pk)
    assert len(detail.open_tasks) == 20 and detail.open_task_count == 23


def test_the_customer_page_opens_the_task_form_for_itself_and_links_its_tasks(
    world: World, book: Book, unscoped: None
) -> None:
    for n in range(4):
        factories.make_task(world.acme, world.rep1, title=f"Task {n}", customer=book.rep1)
    page = signed_in(world.rep1).get(f"/customers/{book.rep1.pk}/").content.decode()
    opener = f'hx-get="/tasks/new/?customer={book.rep1.pk}&amp;next=/customers/{book.rep1.pk}/"'
    assert 'id="action-new-task"' in page and opener in page
    link = f'<a class="small" href="/tasks/?customer={book.rep1.pk}">'
    assert link + '<span class="tabular">4</span> open tasks: see all</a>' in page
