"""tasks_from_management, upcoming_events and activity_summary against the book in conftest.py, worked
out by hand."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from leora.crm.models import ActivityKind
from tests import factories
from tests.conftest import World
from tests.dashboard.conftest import Book, Clock, Reader, local

# title, due (days from today; None undated), overdue, assigned by; overdue first, then by due date
# with undated last. Left out: done, cancelled, self-assigned and unassigned-by tasks.
REP1_TASKS = [
    ("manager overdue", -3, True, "Manager"),
    ("admin overdue", -1, True, "Admin"),
    ("manager due today", 0, False, "Manager"),
    ("admin in progress", 2, False, "Admin"),
    ("manager undated", None, False, "Manager"),
]
TASKS: dict[str, list[tuple[Any, ...]]] = {
    "rep1": REP1_TASKS,
    "manager": [("manager from admin", 1, False, "Admin")],
    "manager_rep2": [("rep2 from manager", -1, True, "Manager")],
    "admin": [],
}


def _tasks(book: Book, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    return {
        "total": len(rows),
        "overdue": sum(1 for row in rows if row[2]),
        "items": [
            {
                "id": book.tasks[title].pk,
                "title": title,
                "priority": "normal",
                "due_date": None if due is None else (book.today + timedelta(days=due)).isoformat(),
                "is_overdue": overdue,
                "assigned_by": by,
                "customer": (
                    {"id": book.customers["birch"].pk, "name": "Birch Bar"}
                    if title == "manager overdue"
                    else None
                ),
            }
            for title, due, overdue, by in rows
        ],
    }


def test_tasks_from_management_lists_open_tasks_others_assigned_overdue_first(
    book: Book, read_all: Any
) -> None:
    assert read_all("tasks_from_management") == {viewer: _tasks(book, rows) for viewer, rows in TASKS.items()}


def test_a_manager_or_admin_filtered_to_a_rep_sees_that_reps_tasks_from_management(
    world: World, book: Book, read_widget: Reader
) -> None:
    for user in (world.manager, world.admin):
        assert read_widget(user, "tasks_from_management", rep=world.rep1) == _tasks(book, REP1_TASKS)


def test_the_tasks_from_management_endpoint_answers_the_same_as_the_widget(
    world: World, book: Book, api_as: Any
) -> None:
    body = api_as(world.rep1).get("/api/dashboard/widgets/tasks-from-management").json()
    assert body["widget_type"] == "tasks_from_management"
    assert body["data"] == _tasks(book, REP1_TASKS)


def test_the_task_limit_cuts_the_list_but_not_the_counts(
    world: World, book: Book, read_widget: Reader
) -> None:
    body = read_widget(world.rep1, "tasks_from_management", config={"limit": 2})
    assert [t["title"] for t in body["items"]] == ["manager overdue", "admin overdue"]
    assert (body["total"], body["overdue"]) == (5, 2)


# Events starting from now (10:00) to the end of the seventh day, soonest first. Left out: rep1's 08:00
# event today (begun), yesterday's, and the one at midnight after the seventh day.
EVENTS = {
    "rep1": ["rep1 this afternoon", "rep1 friday", "rep1 last evening"],
    "manager": [
        "rep1 this afternoon",
        "rep2 tomorrow",
        "rep1 friday",
        "manager saturday",
        "rep1 last evening",
    ],
    "manager_rep2": ["rep2 tomorrow"],
    "admin": [
        "rep1 this afternoon",
        "rep2 tomorrow",
        "rep3 tomorrow",
        "rep1 friday",
        "manager saturday",
        "rep1 last evening",
    ],
}


def test_upcoming_events_lists_the_next_seven_days_soonest_first(book: Book, read_all: Any) -> None:
    actual = read_all(
        "upcoming_events", lambda body: (body["days"], body["total"], [e["title"] for e in body["items"]])
    )
    assert actual == {viewer: (7, len(titles), titles) for viewer, titles in EVENTS.items()}


def test_an_upcoming_event_shows_its_times_in_the_tenants_zone_with_customer_and_person(
    world: World, book: Book, read_widget: Reader
) -> None:
    event = book.events["rep1 this afternoon"]
    first = read_widget(world.rep1, "upcoming_events")["items"][0]
    assert first == {
        "id": event.pk,
        "title": "rep1 this afternoon",
        "starts_at": local(world.acme, book.today, time(14, 0)).isoformat(),
        "ends_at": local(world.acme, book.today, time(15, 0)).isoformat(),
        "location": "",
        "customer": {"id": book.customers["alder"].pk, "name": "Alder Bistro"},
        "user": "Rep1",
    }


def test_upcoming_events_over_fewer_days_with_a_limit(world: World, book: Book, read_widget: Reader) -> None:
    body = read_widget(world.admin, "upcoming_events", config={"days": 2, "limit": 2})
    assert (body["days"], body["total"]) == (2, 3)  # today's afternoon and tomorrow's two
    assert [e["title"] for e in body["items"]] == ["rep1 this afternoon", "rep2 tomorrow"]


# this week, last week per kind (call, visit, tasting, email, note); by rep for people who lead a team
ACTIVITY = {
    "rep1": ([(1, 1), (2, 0), (1, 0), (0, 1), (0, 0)], []),
    "manager": ([(2, 2), (3, 0), (1, 0), (0, 1), (0, 0)], [("Rep1", 3), ("Rep2", 2), ("Manager", 1)]),
    "manager_rep2": ([(1, 1), (1, 0), (0, 0), (0, 0), (0, 0)], []),
    "admin": (
        [(2, 2), (3, 0), (2, 0), (0, 1), (0, 0)],
        [("Rep1", 3), ("Rep2", 2), ("Manager", 1), ("Rep3", 1)],
    ),
}


def _activity(world: World, counts: list[tuple[int, int]], by_rep: list[tuple[str, int]], monday: Any) -> Any:
    users = {u.display_name: u.pk for u in (world.rep1, world.rep2, world.rep3, world.manager)}
    return {
        "week_start": monday.isoformat(),
        "kinds": [
            {"kind": kind.value, "label": kind.label, "this_week": now, "last_week": before}
            for kind, (now, before) in zip(ActivityKind, counts, strict=True)
        ],
        "this_week_total": sum(now for now, _ in counts),
        "last_week_total": sum(before for _, before in counts),
        "by_rep": [{"user_id": users[name], "name": name, "count": n} for name, n in by_rep],
    }


def test_activity_summary_counts_this_week_against_last_week_by_kind_and_rep(
    world: World, book: Book, read_all: Any
) -> None:
    # Alder's visit at Monday 00:00:00 is this week; its call at 23:59:59 the Sunday before is last
    # week; Cedar's note the Sunday before last week is in neither. The manager's visit to Birch counts
    # for rep1's book and under the manager's name.
    expected = {v: _activity(world, counts, by_rep, book.monday) for v, (counts, by_rep) in ACTIVITY.items()}
    assert read_all("activity_summary") == expected


def test_activity_summary_on_a_sunday_night_still_counts_the_whole_week(
    world: World, clock: Clock, read_widget: Reader, unscoped: None
) -> None:
    # given
    today = clock.pin_weekday(6, time(23, 59, 59))
    monday = today - timedelta(days=6)
    customer = factories.make_customer(world.acme, world.rep1)
    for day, at in [
        (monday, time(0, 0)),
        (today, time(23, 59, 58)),
        (monday - timedelta(days=1), time(23, 59, 59)),
    ]:
        factories.make_activity(customer, world.rep1, "call", occurred_at=local(world.acme, day, at))
    assert timezone.now() > local(world.acme, today, time(23, 59, 58))
    # when
    body = read_widget(world.rep1, "activity_summary")
    # then
    assert body["week_start"] == monday.isoformat()
    assert (body["this_week_total"], body["last_week_total"]) == (2, 1)
