from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from leora.crm.models import CalendarEvent
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_event

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def events(world: World, unscoped: None) -> dict[str, CalendarEvent]:
    start = datetime(2026, 12, 2, 10, 0, tzinfo=LA)
    return {
        "rep1": make_event(world.acme, world.rep1, title="Tasting at Blue Door", starts_at=start),
        "rep2": make_event(world.acme, world.rep2, title="Cellar walk-through", starts_at=start),
        "rep3": make_event(world.acme, world.rep3, title="Hotel buyer lunch", starts_at=start),
        "manager": make_event(world.acme, world.manager, title="Team meeting", starts_at=start),
        "other": make_event(world.other, world.other_rep, title="Elsewhere visit", starts_at=start),
    }


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def audits(world: World, action: str) -> list[Any]:
    return list(AuditEvent.objects.for_tenant(world.acme).filter(action=action))


def new_event(**fields: Any) -> dict[str, Any]:
    body = {
        "title": "Tasting",
        "starts_at": "2026-12-03T14:00:00-08:00",
        "ends_at": "2026-12-03T15:30:00-08:00",
    }
    return body | fields


def test_a_rep_lists_only_their_own_events(world: World, events: Any, api_as: Any) -> None:
    assert titles(api_as(world.rep1).get("/api/events")) == {"Tasting at Blue Door"}


def test_a_manager_lists_their_teams_events(world: World, events: Any, api_as: Any) -> None:
    assert titles(api_as(world.manager).get("/api/events")) == {
        "Tasting at Blue Door",
        "Cellar walk-through",
        "Team meeting",
    }


def test_an_admin_lists_the_whole_tenant_and_nothing_else(world: World, events: Any, api_as: Any) -> None:
    assert len(titles(api_as(world.admin).get("/api/events"))) == 4


def test_another_tenants_event_answers_404_on_every_endpoint(world: World, events: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    pk = events["other"].pk
    response = admin.get(f"/api/events/{pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "event not found"
    assert admin.patch(f"/api/events/{pk}", {"title": "x"}).status_code == 404
    assert admin.delete(f"/api/events/{pk}").status_code == 404
    assert CalendarEvent.objects.for_tenant(world.other).filter(pk=pk).exists()


def test_another_reps_event_answers_404_for_a_rep(world: World, events: Any, api_as: Any) -> None:
    rep1 = api_as(world.rep1)
    pk = events["rep2"].pk
    assert rep1.get(f"/api/events/{pk}").status_code == 404
    assert rep1.patch(f"/api/events/{pk}", {"title": "x"}).status_code == 404
    assert rep1.delete(f"/api/events/{pk}").status_code == 404


def test_an_event_outside_a_managers_team_answers_404(world: World, events: Any, api_as: Any) -> None:
    assert api_as(world.manager).get(f"/api/events/{events['rep3'].pk}").status_code == 404


def test_filter_by_user_and_customer(world: World, book: Book, api_as: Any, unscoped: None) -> None:
    make_event(world.acme, world.rep1, title="At Blue Door", customer=book.rep1)
    make_event(world.acme, world.rep2, title="At Corner Cellar", customer=book.rep2)
    manager = api_as(world.manager)
    assert titles(manager.get("/api/events", user_id=world.rep2.pk)) == {"At Corner Cellar"}
    response = manager.get("/api/events", customer_id=book.rep1.pk)
    assert titles(response) == {"At Blue Door"}
    assert response.json()["items"][0]["customer"]["name"] == "Blue Door Bistro"


def test_starts_window_includes_the_start_and_excludes_the_end(
    world: World, api_as: Any, unscoped: None
) -> None:
    monday = datetime(2026, 11, 30, 0, 0, tzinfo=LA)
    make_event(world.acme, world.rep1, title="Monday 00:00", starts_at=monday)
    make_event(world.acme, world.rep1, title="Sunday late", starts_at=monday + timedelta(days=6, hours=23))
    make_event(world.acme, world.rep1, title="Next Monday", starts_at=monday + timedelta(days=7))
    make_event(world.acme, world.rep1, title="Last Sunday", starts_at=monday - timedelta(minutes=1))
    response = api_as(world.rep1).get(
        "/api/events", starts_from="2026-11-30T00:00:00-08:00", starts_to="2026-12-07T00:00:00-08:00"
    )
    assert titles(response) == {"Monday 00:00", "Sunday late"}


def test_a_starts_window_without_an_offset_is_read_in_the_tenant_time_zone(
    world: World, api_as: Any, unscoped: None
) -> None:
    # 23:30 in Los Angeles is already the next day in UTC.
    make_event(
        world.acme, world.rep1, title="Late dinner", starts_at=datetime(2026, 12, 1, 23, 30, tzinfo=LA)
    )
    response = api_as(world.rep1).get(
        "/api/events", starts_from="2026-12-01T00:00", starts_to="2026-12-02T00:00"
    )
    assert titles(response) == {"Late dinner"}


def test_a_window_ending_before_it_starts_is_422_naming_starts_to(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get(
        "/api/events", starts_from="2026-12-07T00:00:00Z", starts_to="2026-12-01T00:00:00Z"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "starts_from"


def test_a_malformed_window_bound_is_422_naming_it(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/events", starts_from="soon")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "starts_from"


def test_events_are_ordered_by_start_by_default_and_on_request(
    world: World, api_as: Any, unscoped: None
) -> None:
    now = timezone.now()
    make_event(world.acme, world.rep1, title="Second", starts_at=now + timedelta(days=2))
    make_event(world.acme, world.rep1, title="First", starts_at=now + timedelta(days=1))
    rep1 = api_as(world.rep1)
    assert [e["title"] for e in rep1.get("/api/events").json()["items"]] == ["First", "Second"]
    ordered = rep1.get("/api/events", ordering="-starts_at").json()["items"]
    assert [e["title"] for e in ordered] == ["Second", "First"]


def test_unknown_ordering_is_rejected_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/events", ordering="user__password")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, book: Book, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(30):
        make_event(world.acme, world.rep1 if n % 2 else world.rep2, customer=book.rep1)
    client = api_as(world.manager)
    # token lookup, its last-used stamp, membership, the manager's team, count, page.
    with django_assert_num_queries(6):
        response = client.get("/api/events", page_size=50)
    assert response.json()["total"] == 30


def test_a_rep_creates_an_event_on_their_own_calendar(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/events", new_event(customer_id=book.rep1.pk, location="12 Main St", notes="bring the Rioja")
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["id"] == world.rep1.pk
    assert body["customer"]["name"] == "Blue Door Bistro"
    event = CalendarEvent.objects.for_tenant(world.acme).get(pk=body["id"])
    assert event.starts_at == datetime(2026, 12, 3, 14, 0, tzinfo=LA)
    assert event.location == "12 Main St"
    [audit] = audits(world, "event.create")
    assert audit.object_id == str(event.pk) and audit.actor == world.rep1


def test_a_start_without_an_offset_is_read_in_the_tenant_time_zone(world: World, api_as: Any) -> None:
    body = new_event(starts_at="2026-12-03T09:00", ends_at="2026-12-03T10:00")
    response = api_as(world.rep1).post("/api/events", body)
    assert response.status_code == 201
    event = CalendarEvent.objects.for_tenant(world.acme).get(pk=response.json()["id"])
    assert event.starts_at == datetime(2026, 12, 3, 9, 0, tzinfo=LA)


def test_an_end_before_the_start_is_422_naming_ends_at_and_writes_nothing(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/events", new_event(ends_at="2026-12-03T13:00:00-08:00"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ends_at"
    assert CalendarEvent.objects.for_tenant(world.acme).count() == 0
    assert audits(world, "event.create") == []


def test_an_event_may_end_when_it_starts(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/events", new_event(ends_at="2026-12-03T14:00:00-08:00"))
    assert response.status_code == 201


def test_create_without_a_title_or_start_is_422_naming_the_fields(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/events", {"ends_at": "2026-12-03T15:00:00Z"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"title", "starts_at"}


def test_a_manager_puts_an_event_on_a_team_members_calendar(world: World, api_as: Any) -> None:
    response = api_as(world.manager).post("/api/events", new_event(user_id=world.rep2.pk))
    assert response.status_code == 201
    assert response.json()["user"]["id"] == world.rep2.pk


def test_a_rep_cannot_put_an_event_on_another_reps_calendar(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/events", new_event(user_id=world.rep2.pk))
    assert response.status_code == 403
    assert CalendarEvent.objects.for_tenant(world.acme).count() == 0


def test_a_manager_cannot_book_someone_outside_their_team(world: World, api_as: Any) -> None:
    assert api_as(world.manager).post("/api/events", new_event(user_id=world.rep3.pk)).status_code == 403


def test_a_user_of_another_tenant_is_422_naming_user_id(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/events", new_event(user_id=world.other_rep.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "user_id"


def test_a_customer_the_actor_cannot_see_is_422_naming_customer_id(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.rep1).post("/api/events", new_event(customer_id=book.rep2.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"
    assert CalendarEvent.objects.for_tenant(world.acme).count() == 0


def test_patch_moves_an_event_and_audits_before_and_after(world: World, events: Any, api_as: Any) -> None:
    event = events["rep1"]
    response = api_as(world.rep1).patch(
        f"/api/events/{event.pk}",
        {"starts_at": "2026-12-02T11:00:00-08:00", "ends_at": "2026-12-02T12:00:00-08:00"},
    )
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.starts_at == datetime(2026, 12, 2, 11, 0, tzinfo=LA)
    assert event.title == "Tasting at Blue Door"
    [audit] = audits(world, "event.update")
    assert audit.before["starts_at"] != audit.after["starts_at"]


def test_patching_the_end_before_the_existing_start_is_422_naming_ends_at(
    world: World, events: Any, api_as: Any
) -> None:
    event = events["rep1"]
    response = api_as(world.rep1).patch(f"/api/events/{event.pk}", {"ends_at": "2026-12-02T09:00:00-08:00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ends_at"
    assert audits(world, "event.update") == []


def test_a_patch_that_changes_nothing_writes_no_audit_event(world: World, events: Any, api_as: Any) -> None:
    api_as(world.rep1).patch(f"/api/events/{events['rep1'].pk}", {"title": "Tasting at Blue Door"})
    assert audits(world, "event.update") == []


def test_patch_rejects_null_for_a_required_field(world: World, events: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/events/{events['rep1'].pk}", {"starts_at": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "starts_at", "message": "cannot be null"}]


def test_a_manager_moves_an_event_between_team_members(world: World, events: Any, api_as: Any) -> None:
    response = api_as(world.manager).patch(f"/api/events/{events['rep1'].pk}", {"user_id": world.rep2.pk})
    assert response.status_code == 200
    assert response.json()["user"]["id"] == world.rep2.pk


def test_a_visible_event_is_deleted_with_an_audit_event(world: World, events: Any, api_as: Any) -> None:
    pk = events["rep1"].pk
    assert api_as(world.rep1).delete(f"/api/events/{pk}").status_code == 204
    assert not CalendarEvent.objects.for_tenant(world.acme).filter(pk=pk).exists()
    [audit] = audits(world, "event.delete")
    assert audit.object_id == str(pk) and audit.before["title"] == "Tasting at Blue Door"
