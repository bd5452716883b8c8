"""The Activities page: who sees which activities, its filters, paging, and what it costs."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from leora.crm.models import Activity
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_activity

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def log(world: World, book: Book, unscoped: None) -> dict[str, Activity]:
    return {
        "rep1": make_activity(book.rep1, world.rep1, "visit", subject="Spring list walk-through",
                              outcome="Wants the new rosé", occurred_at=datetime(2026, 3, 2, 10, tzinfo=LA)),
        "rep1_call": make_activity(book.rep1b, world.rep1, "call", subject="Reorder nudge",
                                   occurred_at=datetime(2026, 3, 9, 9, tzinfo=LA)),
        "rep2": make_activity(book.rep2, world.rep2, "call", subject="Corner reorder call",
                              occurred_at=datetime(2026, 3, 3, 23, 30, tzinfo=LA)),
        "rep3": make_activity(book.rep3, world.rep3, "tasting", subject="Harbor rosé tasting",
                              occurred_at=datetime(2026, 3, 4, 16, tzinfo=LA)),
        "other": make_activity(book.other, world.other_rep, "note", subject="Elsewhere note"),
    }  # fmt: skip


def shown(response: Any) -> list[str]:
    return [activity.subject for activity, _ in response.context["rows"]]


def test_the_page_needs_a_session(client: Client) -> None:
    response = client.get("/activities/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_rep_sees_the_activities_of_their_own_customers_newest_first(world: World, log: Any) -> None:
    response = signed_in(world.rep1).get("/activities/")
    assert response.status_code == 200
    assert shown(response) == ["Reorder nudge", "Spring list walk-through"]
    page = response.content.decode()
    assert "Corner reorder call" not in page and "Elsewhere note" not in page
    assert "2 activities" in page


def test_a_manager_sees_the_team_and_an_admin_the_whole_tenant(world: World, log: Any) -> None:
    assert set(shown(signed_in(world.manager).get("/activities/"))) == {
        "Reorder nudge",
        "Spring list walk-through",
        "Corner reorder call",
    }
    assert len(shown(signed_in(world.admin).get("/activities/"))) == 4


def test_the_page_shows_a_person_what_the_api_shows_them(world: World, log: Any, api_as: Any) -> None:
    for user in (world.rep1, world.manager, world.admin):
        api = {item["id"] for item in api_as(user).get("/api/activities").json()["items"]}
        page = {activity.pk for activity, _ in signed_in(user).get("/activities/").context["rows"]}
        assert page == api


def test_filters_by_type_rep_and_customer(world: World, book: Book, log: Any) -> None:
    manager = signed_in(world.manager)
    assert shown(manager.get("/activities/", {"kind": "call"})) == ["Reorder nudge", "Corner reorder call"]
    assert shown(manager.get("/activities/", {"rep": world.rep2.pk})) == ["Corner reorder call"]
    by_customer = manager.get("/activities/", {"customer": book.rep1.pk})
    assert shown(by_customer) == ["Spring list walk-through"]
    assert "1 activity with Blue Door Bistro" in by_customer.content.decode()


def test_a_rep_cannot_filter_by_rep_to_see_more(world: World, log: Any) -> None:
    # The rep filter is for people who lead others; for a rep it changes nothing.
    response = signed_in(world.rep1).get("/activities/", {"rep": world.rep2.pk})
    assert shown(response) == ["Reorder nudge", "Spring list walk-through"]


def test_another_reps_customer_as_a_filter_shows_nothing_of_it(world: World, book: Book, log: Any) -> None:
    response = signed_in(world.rep1).get("/activities/", {"customer": book.rep2.pk})
    assert response.status_code == 200
    assert shown(response) == []
    assert "Corner Cellar" not in response.content.decode()


def test_a_date_range_covers_whole_days_in_the_tenants_timezone(world: World, log: Any) -> None:
    response = signed_in(world.admin).get(
        "/activities/", {"occurred_from": "2026-03-03", "occurred_to": "2026-03-04"}
    )
    assert shown(response) == ["Harbor rosé tasting", "Corner reorder call"]


def test_an_inverted_date_range_is_named_and_ignored(world: World, log: Any) -> None:
    response = signed_in(world.admin).get(
        "/activities/", {"occurred_from": "2026-03-05", "occurred_to": "2026-03-01"}
    )
    assert response.status_code == 200
    assert len(shown(response)) == 4
    assert "The start date must be on or before the end date." in response.content.decode()


def test_junk_filter_values_are_ignored(world: World, log: Any) -> None:
    response = signed_in(world.admin).get(
        "/activities/", {"kind": "party", "rep": "x", "customer": "-3", "occurred_from": "yesterday"}
    )
    assert response.status_code == 200
    assert len(shown(response)) == 4


def test_search_matches_outcome_and_customer(world: World, log: Any) -> None:
    admin = signed_in(world.admin)
    assert shown(admin.get("/activities/", {"search": "rosé"})) == [
        "Harbor rosé tasting",
        "Spring list walk-through",
    ]
    assert shown(admin.get("/activities/", {"search": "corner"})) == ["Corner reorder call"]


def test_an_htmx_request_gets_the_results_and_the_summary_only(world: World, log: Any) -> None:
    response = signed_in(world.rep1).get("/activities/", {"kind": "visit"}, headers=HTMX)
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="activity-results"' in page and 'hx-swap-oob="innerHTML"' in page
    assert "1 activity with these filters" in page


def test_the_list_is_paged(world: World, book: Book, unscoped: None) -> None:
    for n in range(30):
        make_activity(book.rep1, world.rep1, "call", subject=f"Call {n:02d}")
    client = signed_in(world.rep1)
    first = client.get("/activities/")
    assert len(first.context["rows"]) == 25
    assert "1\u201325 of 30 activities" in first.content.decode()
    second = client.get("/activities/", {"page": 2})
    assert len(second.context["rows"]) == 5


def test_an_empty_log_says_where_activities_come_from(world: World, book: Book) -> None:
    page = signed_in(world.rep1).get("/activities/").content.decode()
    assert "No activities logged yet" in page


def test_the_page_runs_a_fixed_number_of_queries(
    world: World, book: Book, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(30):
        make_activity(book.rep1 if n % 2 else book.rep2, world.rep1 if n % 2 else world.rep2, "visit")
    client = signed_in(world.manager)
    # session, user, membership, team; count, one page (customer and user joined), the reps to
    # filter by, the filtered customer: more activities must not add any.
    with django_assert_num_queries(8):
        response = client.get("/activities/", {"customer": book.rep1.pk})
    assert response.status_code == 200
