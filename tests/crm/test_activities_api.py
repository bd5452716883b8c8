from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from leora.crm.models import Activity
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_activity

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def log(world: World, book: Book, unscoped: None) -> dict[str, Activity]:
    return {
        "rep1": make_activity(book.rep1, world.rep1, "visit", subject="Spring list walk-through",
                              occurred_at=datetime(2026, 3, 2, 10, tzinfo=LA)),
        "rep2": make_activity(book.rep2, world.rep2, "call", subject="Reorder call",
                              occurred_at=datetime(2026, 3, 3, 23, 30, tzinfo=LA)),
        "rep3": make_activity(book.rep3, world.rep3, "tasting", subject="Rosé tasting",
                              occurred_at=datetime(2026, 3, 4, 16, tzinfo=LA)),
        "other": make_activity(book.other, world.other_rep, "note", subject="Elsewhere note"),
    }  # fmt: skip


def subjects(response: Any) -> set[str]:
    return {item["subject"] for item in response.json()["items"]}


def test_a_rep_lists_only_activities_of_their_own_customers(world: World, log: Any, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/activities")
    assert response.status_code == 200
    assert subjects(response) == {"Spring list walk-through"}


def test_a_manager_lists_their_teams_activities(world: World, log: Any, api_as: Any) -> None:
    assert subjects(api_as(world.manager).get("/api/activities")) == {
        "Spring list walk-through",
        "Reorder call",
    }


def test_an_admin_lists_the_whole_tenant_newest_first(world: World, log: Any, api_as: Any) -> None:
    items = api_as(world.admin).get("/api/activities").json()["items"]
    assert [item["subject"] for item in items] == ["Rosé tasting", "Reorder call", "Spring list walk-through"]


def test_an_activity_shows_its_customer_and_user(world: World, log: Any, api_as: Any) -> None:
    body = api_as(world.rep1).get(f"/api/activities/{log['rep1'].pk}").json()
    assert (body["kind"], body["customer"]["name"], body["user"]["email"]) == (
        "visit",
        "Blue Door Bistro",
        "rep1@acme.test",
    )


def test_another_tenants_activity_answers_404(world: World, log: Any, api_as: Any) -> None:
    client, path = api_as(world.admin), f"/api/activities/{log['other'].pk}"
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"] == "activity not found"
    assert client.patch(path, {"subject": "x"}).status_code == 404
    assert client.delete(path).status_code == 404


def test_another_reps_activity_answers_404_for_a_rep(world: World, log: Any, api_as: Any) -> None:
    client = api_as(world.rep1)
    assert client.get(f"/api/activities/{log['rep2'].pk}").status_code == 404
    assert client.patch(f"/api/activities/{log['rep2'].pk}", {"subject": "x"}).status_code == 404
    assert client.delete(f"/api/activities/{log['rep2'].pk}").status_code == 404


def test_filters_by_kind_user_and_customer(world: World, log: Any, book: Book, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert subjects(admin.get("/api/activities", kind="tasting")) == {"Rosé tasting"}
    assert subjects(admin.get("/api/activities", user_id=world.rep2.pk)) == {"Reorder call"}
    assert subjects(admin.get("/api/activities", customer_id=book.rep1.pk)) == {"Spring list walk-through"}


def test_a_date_range_covers_whole_days_in_the_tenants_timezone(world: World, log: Any, api_as: Any) -> None:
    # The call at 23:30 on 3 March in Los Angeles is already 4 March in UTC; it still belongs to the 3rd.
    response = api_as(world.admin).get(
        "/api/activities", occurred_from="2026-03-03", occurred_to="2026-03-03"
    )
    assert subjects(response) == {"Reorder call"}


def test_a_time_range_is_exact(world: World, log: Any, api_as: Any) -> None:
    response = api_as(world.admin).get(
        "/api/activities", occurred_from="2026-03-02T09:00:00-08:00", occurred_to="2026-03-02T10:00:00-08:00"
    )
    assert subjects(response) == {"Spring list walk-through"}


def test_an_inverted_range_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get(
        "/api/activities", occurred_from="2026-03-05", occurred_to="2026-03-01"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "occurred_from"


def test_search_matches_subject_and_customer(world: World, log: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert subjects(admin.get("/api/activities", search="reorder")) == {"Reorder call"}
    assert subjects(admin.get("/api/activities", search="harbor")) == {"Rosé tasting"}


def test_a_rep_logs_a_visit_as_themselves_and_it_is_audited(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/activities",
        {
            "customer_id": book.rep1.pk,
            "kind": "visit",
            "subject": "Dropped samples",
            "outcome": "Liked the gin",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "rep1@acme.test"
    activity = Activity.objects.for_tenant(world.acme).get(pk=body["id"])
    assert (activity.kind, activity.outcome, activity.user_id) == ("visit", "Liked the gin", world.rep1.pk)
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="activity.create")
    assert audit.object_id == str(activity.pk) and audit.actor == world.rep1


def test_a_time_without_offset_is_read_in_the_tenants_timezone(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/activities",
        {"customer_id": book.rep1.pk, "kind": "call", "occurred_at": "2026-03-02T09:15:00"},
    )
    activity = Activity.objects.for_tenant(world.acme).get(pk=response.json()["id"])
    assert activity.occurred_at == datetime(2026, 3, 2, 9, 15, tzinfo=LA)


def test_a_manager_logs_an_activity_for_a_rep_of_the_team(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.manager).post(
        "/api/activities", {"customer_id": book.rep1.pk, "kind": "tasting", "user_id": world.rep1.pk}
    )
    assert response.status_code == 201
    assert response.json()["user"]["email"] == "rep1@acme.test"


def test_a_rep_cannot_log_an_activity_as_someone_else(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/activities", {"customer_id": book.rep1.pk, "kind": "call", "user_id": world.rep2.pk}
    )
    assert response.status_code == 403
    assert Activity.objects.for_tenant(world.acme).count() == 0


def test_logging_on_another_reps_customer_is_422_and_writes_nothing(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.rep1).post("/api/activities", {"customer_id": book.rep2.pk, "kind": "call"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"
    assert Activity.objects.for_tenant(world.acme).count() == 0
    assert not AuditEvent.objects.for_tenant(world.acme).filter(object_type="activity").exists()


def test_an_unknown_kind_is_422_naming_the_field(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/activities", {"customer_id": book.rep1.pk, "kind": "party"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_the_author_edits_their_activity_and_it_is_audited(world: World, log: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/activities/{log['rep1'].pk}", {"outcome": "Ordered 3 cases"})
    assert response.status_code == 200
    assert response.json()["outcome"] == "Ordered 3 cases"
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="activity.update")
    assert audit.before["outcome"] == "" and audit.after["outcome"] == "Ordered 3 cases"


def test_a_rep_cannot_change_someone_elses_activity_on_their_customer(
    world: World, book: Book, api_as: Any, unscoped: None
) -> None:
    managers_note = make_activity(book.rep1, world.manager, "note", subject="Coaching note")
    client = api_as(world.rep1)
    assert client.get(f"/api/activities/{managers_note.pk}").status_code == 200
    assert client.patch(f"/api/activities/{managers_note.pk}", {"subject": "x"}).status_code == 403
    assert client.delete(f"/api/activities/{managers_note.pk}").status_code == 403
    managers_note.refresh_from_db()
    assert managers_note.subject == "Coaching note"


def test_a_manager_corrects_a_reps_activity(world: World, log: Any, api_as: Any) -> None:
    response = api_as(world.manager).patch(f"/api/activities/{log['rep2'].pk}", {"kind": "visit"})
    assert response.status_code == 200
    assert response.json()["kind"] == "visit"


def test_patch_rejects_null_for_a_required_field(world: World, log: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/activities/{log['rep1'].pk}", {"kind": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "kind", "message": "cannot be null"}]


def test_the_author_deletes_their_activity(world: World, log: Any, api_as: Any) -> None:
    assert api_as(world.rep1).delete(f"/api/activities/{log['rep1'].pk}").status_code == 204
    assert not Activity.objects.for_tenant(world.acme).filter(pk=log["rep1"].pk).exists()
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="activity.delete").count() == 1


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, book: Book, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for _ in range(30):
        make_activity(book.rep1, world.rep1)
    client = api_as(world.manager)
    # token, its last-use stamp, membership, team, count, page (customer and user joined).
    with django_assert_num_queries(6):
        assert len(client.get("/api/activities", page_size=30).json()["items"]) == 30


def test_times_come_back_in_utc_whatever_offset_was_sent(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/activities",
        {"customer_id": book.rep1.pk, "kind": "call", "occurred_at": "2026-03-02T09:15:00+01:00"},
    )
    assert response.json()["occurred_at"] == "2026-03-02T08:15:00Z"
