from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from leora.crm.models import CalendarEvent
from leora.tenancy.models import AuditEvent
from leora.web.formatting import format_date
from tests.conftest import World
from tests.factories import make_customer, make_event

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
WEEK = "2026-11-30"  # a Monday
DASH = " \u2013 "


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LA)


@pytest.fixture
def events(world: World, unscoped: None) -> dict[str, CalendarEvent]:
    customer = make_customer(world.acme, world.rep1, name="Blue Door Bistro")
    return {
        "tasting": make_event(
            world.acme, world.rep1, title="Tasting at Blue Door", starts_at=at(2, 10),
            ends_at=at(2, 11, 30), customer=customer, location="12 Main St",
        ),
        "sunday": make_event(world.acme, world.rep1, title="Late dinner", starts_at=at(6, 23, 30)),
        "next_week": make_event(world.acme, world.rep1, title="Next week visit", starts_at=at(7, 9)),
        "rep2": make_event(world.acme, world.rep2, title="Cellar walk-through", starts_at=at(1, 14)),
        "manager": make_event(world.acme, world.manager, title="Team meeting", starts_at=at(3, 8)),
        "other": make_event(world.other, world.other_rep, title="Elsewhere visit", starts_at=at(2, 10)),
    }  # fmt: skip


def week_page(user: Any, **params: Any) -> str:
    response = signed_in(user).get("/calendar/", {"week": WEEK, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/calendar/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def week_title() -> str:
    """The heading of the week of 30 Nov 2026: the year is written only when it is not this year."""
    today = timezone.localdate(timezone=LA)
    return f"Week of {format_date(date(2026, 11, 30), today)}{DASH}{format_date(date(2026, 12, 6), today)}"


def week_of(page: str) -> str:
    return page[page.index('id="week-view"') : page.index("Coming up")]


def test_the_week_runs_monday_to_sunday_in_the_tenant_time_zone(world: World, events: Any) -> None:
    page = week_of(week_page(world.rep1))
    assert week_title() in page
    # 23:30 on Sunday in Los Angeles is Monday in UTC, and still belongs to this week.
    assert "Late dinner" in page and "Next week visit" not in page
    assert page.index("Mon 30") < page.index("Sun 6") and page.index("Sun 6") < page.index("Late dinner")


def test_any_day_of_the_week_shows_that_whole_week(world: World, events: Any) -> None:
    page = week_page(world.rep1, week="2026-12-03")
    assert week_title() in page


def test_previous_and_next_week_links(world: World, events: Any) -> None:
    page = week_page(world.rep1)
    assert "week=2026-11-23" in page and "week=2026-12-07" in page


def test_a_garbled_week_falls_back_to_this_week(world: World) -> None:
    response = signed_in(world.rep1).get("/calendar/", {"week": "soon"})
    assert response.status_code == 200


def test_each_event_shows_time_title_customer_and_location(world: World, events: Any) -> None:
    page = week_page(world.rep1)
    assert f"10:00{DASH}11:30" in page
    assert "Tasting at Blue Door" in page
    assert f'href="/customers/{events["tasting"].customer_id}/"' in page
    assert "12 Main St" in page


def test_a_rep_sees_only_their_own_events(world: World, events: Any) -> None:
    page = week_page(world.rep1)
    assert "Cellar walk-through" not in page and "Team meeting" not in page
    assert "Elsewhere visit" not in page


def test_a_manager_sees_the_team_by_default_and_only_their_own_on_request(world: World, events: Any) -> None:
    team = week_page(world.manager)
    assert "Cellar walk-through" in team and "Tasting at Blue Door" in team and "Team meeting" in team
    mine = week_page(world.manager, scope="mine")
    assert "Team meeting" in mine and "Cellar walk-through" not in mine


def test_the_agenda_groups_upcoming_events_by_day(world: World, unscoped: None) -> None:
    today = timezone.localdate(timezone=world.acme.tzinfo)
    tomorrow_10am = datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=LA) + timedelta(
        hours=10
    )
    make_event(world.acme, world.rep1, title="Tomorrow's tasting", starts_at=tomorrow_10am)
    make_event(world.acme, world.rep1, title="Far away", starts_at=tomorrow_10am + timedelta(days=30))
    page = signed_in(world.rep1).get("/calendar/").content.decode()
    agenda = page[page.index("Coming up") :]
    assert "Tomorrow" in agenda and "Tomorrow&#x27;s tasting" in agenda
    assert "Far away" not in page


def test_week_navigation_with_htmx_gets_only_the_week(world: World, events: Any) -> None:
    response = signed_in(world.rep1).get("/calendar/", {"week": WEEK}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="week-view"') and "<html" not in body
    assert "Tasting at Blue Door" in body


def test_the_page_runs_a_fixed_number_of_queries(
    world: World, unscoped: None, django_assert_num_queries: Any
) -> None:
    customer = make_customer(world.acme, world.rep1)
    for n in range(20):
        make_event(
            world.acme, world.rep1 if n % 2 else world.rep2, starts_at=at(1 + n % 6, 9), customer=customer
        )
    client = signed_in(world.manager)
    # session, user, membership, team; the week's events and the next two weeks' agenda (customer and
    # person joined), the people and the customers to choose from: more events must not add any.
    with django_assert_num_queries(8):
        assert client.get("/calendar/", {"week": WEEK}).status_code == 200


# Adding an event


def test_a_rep_adds_an_event_read_in_the_tenant_time_zone(world: World, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep1)
    response = signed_in(world.rep1).post(
        "/calendar/new/",
        {
            "title": "Tasting",
            "starts_at": "2026-12-03T14:00",
            "ends_at": "2026-12-03T15:00",
            "customer": customer.pk,
            "location": "Back room",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/calendar/?week={WEEK}"
    event = CalendarEvent.objects.for_tenant(world.acme).get(title="Tasting")
    assert (event.user, event.customer, event.location) == (world.rep1, customer, "Back room")
    assert event.starts_at == at(3, 14)
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="event.create").count() == 1


def test_an_end_before_the_start_shows_an_inline_error_and_writes_nothing(world: World) -> None:
    response = signed_in(world.rep1).post(
        "/calendar/new/", {"title": "Tasting", "starts_at": "2026-12-03T14:00", "ends_at": "2026-12-03T13:00"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="error-ends_at"' in page and "at or after starts_at" in page
    assert 'value="2026-12-03T14:00"' in page
    assert CalendarEvent.objects.for_tenant(world.acme).count() == 0


def test_missing_fields_show_inline_errors(world: World) -> None:
    response = signed_in(world.rep1).post("/calendar/new/", {"title": "", "starts_at": "", "ends_at": "nope"})
    assert response.status_code == 422
    page = response.content.decode()
    assert all(f'id="error-{name}"' in page for name in ("title", "starts_at", "ends_at"))


def test_a_rep_cannot_book_another_reps_calendar(world: World) -> None:
    response = signed_in(world.rep1).post(
        "/calendar/new/",
        {"title": "X", "starts_at": "2026-12-03T14:00", "ends_at": "2026-12-03T15:00", "user": world.rep2.pk},
    )
    assert response.status_code == 422
    assert 'id="error-user"' in response.content.decode()
    assert CalendarEvent.objects.for_tenant(world.acme).count() == 0


def test_a_manager_books_a_team_members_calendar(world: World) -> None:
    response = signed_in(world.manager).post(
        "/calendar/new/",
        {
            "title": "Ride-along",
            "starts_at": "2026-12-03T09:00",
            "ends_at": "2026-12-03T12:00",
            "user": world.rep2.pk,
        },
    )
    assert response.status_code == 302
    assert CalendarEvent.objects.for_tenant(world.acme).get(title="Ride-along").user == world.rep2
