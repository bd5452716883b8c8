"""The call plan API: reading a week, generating it, scheduling (which keeps the rep's calendar in step),
completing stops, managers' access to their reps, and other tenants' and teams' plans answering 404."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.callplan.generation import plans_generate
from leora.callplan.models import CallPlanItem
from leora.crm.models import Activity, CalendarEvent
from leora.tenancy.models import AuditEvent
from tests.callplan.conftest import EXPECTED_ORDER, Book, run_plans
from tests.conftest import World


@pytest.fixture
def planned(world: World, book: Book) -> Book:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk, world.rep2.pk])
    return book


def _item(book: Book, key: str) -> CallPlanItem:
    return CallPlanItem.objects.get(customer=book.customers[key])


def _local(event: CalendarEvent, world: World) -> datetime:
    return timezone.localtime(event.starts_at, world.acme.tzinfo)


def test_get_week_lists_the_ranked_items_with_reasons(world: World, planned: Book, api_as: Any) -> None:
    response = api_as(world.rep1).get(f"/api/callplan/weeks/{planned.week}")

    assert response.status_code == 200
    body = response.json()
    assert [i["customer"]["name"] for i in body["items"]] == EXPECTED_ORDER
    alder = body["items"][1]
    assert alder["reasons"][0]["metrics"][0]["code"] == "at_risk_customer"
    assert alder["expected_value"] == "100.00"
    assert body["daily_capacity"] == 8


def test_a_week_never_generated_is_empty(world: World, book: Book, api_as: Any) -> None:
    body = api_as(world.rep1).get(f"/api/callplan/weeks/{book.week}").json()

    assert body["generated_at"] is None and body["items"] == []


def test_a_week_that_is_not_a_monday_is_a_422_naming_it(world: World, book: Book, api_as: Any) -> None:
    tuesday = book.monday + timedelta(days=1)
    response = api_as(world.rep1).get(f"/api/callplan/weeks/{tuesday.isoformat()}")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "week"


def test_generate_enqueues_the_job_that_builds_the_plan(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(f"/api/callplan/weeks/{book.week}/generate")
    assert response.status_code == 202

    run_plans()

    body = api_as(world.rep1).get(f"/api/callplan/weeks/{book.week}").json()
    assert [i["customer"]["name"] for i in body["items"]] == EXPECTED_ORDER


def test_scheduling_a_visit_creates_an_event_on_the_reps_calendar(
    world: World, planned: Book, api_as: Any
) -> None:
    alder = _item(planned, "alder")
    wednesday = planned.monday + timedelta(days=2)

    response = api_as(world.rep1).patch(
        f"/api/callplan/items/{alder.pk}",
        {"scheduled_date": wednesday.isoformat(), "scheduled_time": "11:30"},
    )

    assert response.status_code == 200, response.json()
    event = CalendarEvent.objects.get(pk=response.json()["event_id"])
    assert event.user_id == world.rep1.pk and event.customer_id == alder.customer_id
    assert _local(event, world) == timezone.make_aware(
        datetime.combine(wednesday, time(11, 30)), world.acme.tzinfo
    )


def test_moving_a_visit_moves_its_event(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.rep1)
    alder = _item(planned, "alder")
    first = api.patch(f"/api/callplan/items/{alder.pk}", {"scheduled_date": planned.week}).json()

    thursday = planned.monday + timedelta(days=3)
    moved = api.patch(f"/api/callplan/items/{alder.pk}", {"scheduled_date": thursday.isoformat()}).json()

    assert moved["event_id"] == first["event_id"]
    assert _local(CalendarEvent.objects.get(pk=moved["event_id"]), world).date() == thursday


def test_unscheduling_or_removing_a_visit_removes_its_event(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.rep1)
    alder, cedar = _item(planned, "alder"), _item(planned, "cedar")
    one = api.patch(f"/api/callplan/items/{alder.pk}", {"scheduled_date": planned.week}).json()["event_id"]
    two = api.patch(f"/api/callplan/items/{cedar.pk}", {"scheduled_date": planned.week}).json()["event_id"]

    unscheduled = api.patch(f"/api/callplan/items/{alder.pk}", {"scheduled_date": None}).json()
    removed = api.patch(f"/api/callplan/items/{cedar.pk}", {"removed_reason": "Closed for renovation"}).json()

    assert unscheduled["event_id"] is None and removed["event_id"] is None
    assert not CalendarEvent.objects.filter(pk__in=[one, two]).exists()
    assert removed["removed_reason"] == "Closed for renovation" and removed["scheduled_date"] is None


def test_turning_a_visit_into_a_call_removes_its_event(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.rep1)
    alder = _item(planned, "alder")
    event_id = api.patch(f"/api/callplan/items/{alder.pk}", {"scheduled_date": planned.week}).json()[
        "event_id"
    ]

    call = api.patch(f"/api/callplan/items/{alder.pk}", {"action": "call"}).json()

    assert call["event_id"] is None and not CalendarEvent.objects.filter(pk=event_id).exists()


def test_scheduling_a_call_books_no_event(world: World, planned: Book, api_as: Any) -> None:
    birch = _item(planned, "birch")
    body = (
        api_as(world.rep1).patch(f"/api/callplan/items/{birch.pk}", {"scheduled_date": planned.week}).json()
    )

    assert body["action"] == "call" and body["event_id"] is None


def test_a_day_outside_the_week_is_a_422_and_changes_nothing(
    world: World, planned: Book, api_as: Any
) -> None:
    alder = _item(planned, "alder")
    response = api_as(world.rep1).patch(
        f"/api/callplan/items/{alder.pk}",
        {"scheduled_date": (planned.monday + timedelta(days=7)).isoformat()},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scheduled_date"
    alder.refresh_from_db()
    assert alder.scheduled_date is None and not CalendarEvent.objects.filter(customer=alder.customer).exists()


def test_positions_order_a_day(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.rep1)
    ids = [_item(planned, key).pk for key in ("alder", "birch", "cedar")]
    for item_id in ids:
        api.patch(f"/api/callplan/items/{item_id}", {"scheduled_date": planned.week})

    api.patch(f"/api/callplan/items/{ids[2]}", {"position": 0})

    order = CallPlanItem.objects.filter(pk__in=ids).order_by("position").values_list("pk", flat=True)
    assert list(order) == [ids[2], ids[0], ids[1]]


def test_completing_a_stop_logs_the_activity_for_the_rep(world: World, planned: Book, api_as: Any) -> None:
    alder = _item(planned, "alder")

    response = api_as(world.rep1).post(
        f"/api/callplan/items/{alder.pk}/complete", {"outcome": "Ordered 2 cases"}
    )

    assert response.status_code == 200
    activity = Activity.objects.get(pk=response.json()["activity_id"])
    assert (activity.kind, activity.user_id, activity.customer_id) == (
        "visit",
        world.rep1.pk,
        alder.customer_id,
    )
    assert activity.subject == "Ordered 2 cases"


def test_completing_twice_is_a_409(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.rep1)
    alder = _item(planned, "alder")
    api.post(f"/api/callplan/items/{alder.pk}/complete", {"outcome": "Done"})

    again = api.post(f"/api/callplan/items/{alder.pk}/complete", {"outcome": "Done again"})

    assert again.status_code == 409
    assert Activity.objects.filter(customer=alder.customer).count() == 1


def test_an_empty_outcome_is_a_422(world: World, planned: Book, api_as: Any) -> None:
    alder = _item(planned, "alder")
    response = api_as(world.rep1).post(f"/api/callplan/items/{alder.pk}/complete", {"outcome": ""})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "outcome"


def test_changes_are_audited(world: World, planned: Book, api_as: Any) -> None:
    alder = _item(planned, "alder")
    api_as(world.rep1).patch(f"/api/callplan/items/{alder.pk}", {"note": "Bring the new vintage"})

    assert AuditEvent.objects.filter(tenant=world.acme, action="callplan_item.update").exists()


def test_a_manager_reads_and_shapes_a_reps_plan(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.manager)
    body = api.get(f"/api/callplan/weeks/{planned.week}", user_id=world.rep1.pk).json()
    assert len(body["items"]) == len(EXPECTED_ORDER)

    alder = _item(planned, "alder")
    response = api.patch(f"/api/callplan/items/{alder.pk}", {"scheduled_date": planned.week})

    assert response.status_code == 200
    assert CalendarEvent.objects.get(pk=response.json()["event_id"]).user_id == world.rep1.pk


def test_a_rep_cannot_see_another_reps_plan(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.rep2)
    alder = _item(planned, "alder")

    assert api.get(f"/api/callplan/weeks/{planned.week}", user_id=world.rep1.pk).status_code == 404
    assert api.patch(f"/api/callplan/items/{alder.pk}", {"note": "x"}).status_code == 404
    assert api.post(f"/api/callplan/items/{alder.pk}/complete", {"outcome": "x"}).status_code == 404


def test_a_manager_cannot_see_a_rep_outside_the_team(world: World, planned: Book, api_as: Any) -> None:
    response = api_as(world.manager).get(f"/api/callplan/weeks/{planned.week}", user_id=world.rep3.pk)

    assert response.status_code == 404


def test_another_tenants_plans_are_invisible(world: World, planned: Book, api_as: Any) -> None:
    api = api_as(world.other_admin)
    alder = _item(planned, "alder")

    assert api.get(f"/api/callplan/weeks/{planned.week}", user_id=world.rep1.pk).status_code == 404
    assert api.patch(f"/api/callplan/items/{alder.pk}", {"note": "x"}).status_code == 404
    assert api.post(f"/api/callplan/weeks/{planned.week}/generate?user_id={world.rep1.pk}").status_code == 404


def test_a_manager_adds_an_account_and_the_rep_is_told(world: World, planned: Book, api_as: Any) -> None:
    from leora.notifications.models import Notification

    response = api_as(world.manager).post(
        f"/api/callplan/weeks/{planned.week}/items",
        {
            "user_id": world.rep1.pk,
            "customer_id": planned.customers["grove"].pk,
            "note": "Ask about the party",
        },
    )

    assert response.status_code == 201
    assert response.json()["source"] == "manager"
    assert Notification.objects.filter(user=world.rep1, kind="callplan.added").exists()


def test_a_rep_cannot_add_to_a_plan(world: World, planned: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        f"/api/callplan/weeks/{planned.week}/items",
        {"user_id": world.rep1.pk, "customer_id": planned.customers["grove"].pk},
    )

    assert response.status_code == 403


def test_the_team_week_shows_each_reps_coverage(world: World, planned: Book, api_as: Any) -> None:
    api_as(world.rep1).post(f"/api/callplan/items/{_item(planned, 'alder').pk}/complete", {"outcome": "Seen"})

    body = api_as(world.manager).get(f"/api/callplan/team/{planned.week}").json()

    rows = {row["user"]["id"]: row for row in body["reps"]}
    assert set(rows) == {world.rep1.pk, world.rep2.pk}
    rep1 = rows[world.rep1.pk]
    assert rep1["planned"] == len(EXPECTED_ORDER) and rep1["contacted"] == 1
    # Alder (at risk) and Birch (due) need attention; both are planned, Alder is contacted.
    assert (rep1["due_or_at_risk"], rep1["due_or_at_risk_planned"], rep1["due_or_at_risk_contacted"]) == (
        2,
        2,
        1,
    )


def test_the_team_week_is_for_managers(world: World, planned: Book, api_as: Any) -> None:
    assert api_as(world.rep1).get(f"/api/callplan/team/{planned.week}").status_code == 403


def test_admins_read_and_change_the_ranking(world: World, book: Book, api_as: Any) -> None:
    api = api_as(world.admin)
    reasons = {r["key"]: r for r in api.get("/api/callplan/settings").json()["reasons"]}
    assert reasons["at_risk"]["metrics"] == ["at_risk_customer"] and reasons["at_risk"]["weight"] == 60

    response = api.patch("/api/callplan/settings", {"weights": {"at_risk": 70}, "max_items": 25})

    assert response.status_code == 200
    body = response.json()
    assert body["max_items"] == 25
    assert next(r for r in body["reasons"] if r["key"] == "at_risk")["weight"] == 70


def test_a_rep_cannot_change_the_ranking(world: World, book: Book, api_as: Any) -> None:
    assert api_as(world.rep1).patch("/api/callplan/settings", {"weights": {"at_risk": 1}}).status_code == 403


def test_an_unknown_reason_is_a_422_naming_it(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.admin).patch("/api/callplan/settings", {"weights": {"gut_feeling": 5}})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "weights.gut_feeling"


def test_a_rep_sets_their_capacity_and_start(world: World, book: Book, api_as: Any) -> None:
    api = api_as(world.rep1)
    response = api.patch(
        f"/api/callplan/people/{world.rep1.pk}/settings",
        {
            "daily_capacity": 6,
            "start_label": "Napa depot",
            "start_latitude": "38.2975",
            "start_longitude": "-122.2869",
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["daily_capacity"] == 6
    assert api.get(f"/api/callplan/weeks/{book.week}").json()["daily_capacity"] == 6


def test_a_start_with_only_a_latitude_is_a_422(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).patch(
        f"/api/callplan/people/{world.rep1.pk}/settings", {"start_latitude": "38"}
    )

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "start_latitude"


def test_another_reps_settings_answer_404(world: World, book: Book, api_as: Any) -> None:
    assert api_as(world.rep2).get(f"/api/callplan/people/{world.rep1.pk}/settings").status_code == 404
    assert api_as(world.other_admin).get(f"/api/callplan/people/{world.rep1.pk}/settings").status_code == 404
