from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import Task
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_task

pytestmark = pytest.mark.django_db


def today(world: World) -> Any:
    return timezone.localdate(timezone=world.acme.tzinfo)


@pytest.fixture
def tasks(world: World, book: Book, unscoped: None) -> dict[str, Task]:
    return {
        "rep1": make_task(world.acme, world.rep1, title="Visit Blue Door", assigned_by=world.manager),
        "rep2": make_task(world.acme, world.rep2, title="Call Corner Cellar", assigned_by=world.manager),
        "rep3": make_task(world.acme, world.rep3, title="Tasting at Harbor", assigned_by=world.admin),
        "manager": make_task(world.acme, world.manager, title="Plan the quarter", assigned_by=world.manager),
        "other": make_task(world.other, world.other_rep, title="Elsewhere task", assigned_by=world.other_rep),
    }


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


def audits(world: World, action: str) -> list[Any]:
    return list(AuditEvent.objects.for_tenant(world.acme).filter(action=action))


# Who sees what


def test_a_rep_lists_only_the_tasks_assigned_to_them(world: World, tasks: Any, api_as: Any) -> None:
    assert titles(api_as(world.rep1).get("/api/tasks")) == {"Visit Blue Door"}


def test_a_manager_lists_their_teams_tasks(world: World, tasks: Any, api_as: Any) -> None:
    assert titles(api_as(world.manager).get("/api/tasks")) == {
        "Visit Blue Door",
        "Call Corner Cellar",
        "Plan the quarter",
    }


def test_a_manager_sees_a_task_they_assigned_outside_the_team(
    world: World, tasks: Any, api_as: Any, unscoped: None
) -> None:
    make_task(world.acme, world.rep3, title="Cover for a colleague", assigned_by=world.manager)
    assert "Cover for a colleague" in titles(api_as(world.manager).get("/api/tasks"))


def test_an_admin_lists_the_whole_tenant_and_nothing_else(world: World, tasks: Any, api_as: Any) -> None:
    assert titles(api_as(world.admin).get("/api/tasks")) == {
        "Visit Blue Door",
        "Call Corner Cellar",
        "Tasting at Harbor",
        "Plan the quarter",
    }


def test_another_tenants_task_answers_404_on_every_endpoint(world: World, tasks: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    pk = tasks["other"].pk
    assert admin.get(f"/api/tasks/{pk}").status_code == 404
    assert admin.patch(f"/api/tasks/{pk}", {"title": "x"}).status_code == 404
    assert admin.post(f"/api/tasks/{pk}/complete").status_code == 404
    assert admin.post(f"/api/tasks/{pk}/reopen").status_code == 404
    assert admin.delete(f"/api/tasks/{pk}").status_code == 404
    assert Task.objects.for_tenant(world.other).get(pk=pk).title == "Elsewhere task"


def test_another_reps_task_answers_404_for_a_rep(world: World, tasks: Any, api_as: Any) -> None:
    rep1 = api_as(world.rep1)
    pk = tasks["rep2"].pk
    response = rep1.get(f"/api/tasks/{pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "task not found"
    assert rep1.post(f"/api/tasks/{pk}/complete").status_code == 404
    assert rep1.delete(f"/api/tasks/{pk}").status_code == 404


def test_a_task_outside_a_managers_team_answers_404(world: World, tasks: Any, api_as: Any) -> None:
    assert api_as(world.manager).get(f"/api/tasks/{tasks['rep3'].pk}").status_code == 404


def test_a_request_without_a_token_answers_401(world: World, client: Any) -> None:
    assert client.get("/api/tasks").status_code == 401


# Filters and ordering


def test_mine_keeps_only_the_callers_own_tasks(world: World, tasks: Any, api_as: Any) -> None:
    assert titles(api_as(world.manager).get("/api/tasks", mine="true")) == {"Plan the quarter"}


def test_filter_by_assignee(world: World, tasks: Any, api_as: Any) -> None:
    response = api_as(world.manager).get("/api/tasks", assigned_to_id=world.rep2.pk)
    assert titles(response) == {"Call Corner Cellar"}


def test_filter_by_status_and_priority(world: World, api_as: Any, unscoped: None) -> None:
    make_task(world.acme, world.rep1, title="Urgent open", priority="urgent")
    make_task(world.acme, world.rep1, title="Urgent done", priority="urgent", status="done")
    make_task(world.acme, world.rep1, title="Low open", priority="low")
    rep1 = api_as(world.rep1)
    assert titles(rep1.get("/api/tasks", status="open", priority="urgent")) == {"Urgent open"}


def test_filter_by_customer(world: World, book: Book, api_as: Any, unscoped: None) -> None:
    make_task(world.acme, world.rep1, title="For Blue Door", customer=book.rep1)
    make_task(world.acme, world.rep1, title="No customer")
    response = api_as(world.rep1).get("/api/tasks", customer_id=book.rep1.pk)
    assert titles(response) == {"For Blue Door"}
    assert response.json()["items"][0]["customer"]["name"] == "Blue Door Bistro"


def test_filter_by_due_date_range(world: World, api_as: Any, unscoped: None) -> None:
    day = today(world)
    make_task(world.acme, world.rep1, title="Yesterday", due_date=day - timedelta(days=1))
    make_task(world.acme, world.rep1, title="In a week", due_date=day + timedelta(days=7))
    make_task(world.acme, world.rep1, title="In a month", due_date=day + timedelta(days=30))
    response = api_as(world.rep1).get(
        "/api/tasks", due_from=day.isoformat(), due_to=(day + timedelta(days=10))
    )
    assert titles(response) == {"In a week"}


def test_a_due_range_ending_before_it_starts_is_422_naming_due_to(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/tasks", due_from="2026-05-10", due_to="2026-05-01")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "due_from"


def test_a_malformed_due_date_filter_is_422_naming_it(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/tasks", due_from="next tuesday")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "due_from"


def test_overdue_means_still_to_do_and_due_before_today_in_the_tenant(
    world: World, api_as: Any, unscoped: None
) -> None:
    day = today(world)
    make_task(world.acme, world.rep1, title="Late", due_date=day - timedelta(days=2))
    make_task(world.acme, world.rep1, title="Late but done", due_date=day - timedelta(days=2), status="done")
    make_task(world.acme, world.rep1, title="Due today", due_date=day)
    make_task(world.acme, world.rep1, title="Undated")
    rep1 = api_as(world.rep1)
    response = rep1.get("/api/tasks", overdue="true")
    assert titles(response) == {"Late"}
    assert response.json()["items"][0]["is_overdue"] is True
    assert titles(rep1.get("/api/tasks", overdue="false")) == {"Late but done", "Due today", "Undated"}


def test_default_order_is_soonest_due_first_with_undated_last(
    world: World, api_as: Any, unscoped: None
) -> None:
    day = today(world)
    make_task(world.acme, world.rep1, title="Undated")
    make_task(world.acme, world.rep1, title="Later", due_date=day + timedelta(days=5))
    make_task(world.acme, world.rep1, title="Sooner", due_date=day + timedelta(days=1))
    items = api_as(world.rep1).get("/api/tasks").json()["items"]
    assert [item["title"] for item in items] == ["Sooner", "Later", "Undated"]


def test_ordering_by_priority_follows_urgency_not_the_alphabet(
    world: World, api_as: Any, unscoped: None
) -> None:
    for priority in ("normal", "urgent", "low", "high"):
        make_task(world.acme, world.rep1, title=priority, priority=priority)
    items = api_as(world.rep1).get("/api/tasks", ordering="-priority").json()["items"]
    assert [item["title"] for item in items] == ["urgent", "high", "normal", "low"]


def test_unknown_ordering_is_rejected_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/tasks", ordering="assigned_to__password")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, book: Book, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(30):
        make_task(
            world.acme, world.rep1 if n % 2 else world.rep2, customer=book.rep1, assigned_by=world.manager
        )
    client = api_as(world.manager)
    # token lookup, its last-used stamp, membership, the manager's team, count, page.
    with django_assert_num_queries(6):
        response = client.get("/api/tasks", page_size=50)
    assert response.json()["total"] == 30


# Create


def test_a_manager_assigns_a_task_to_a_rep_of_their_team(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.manager).post(
        "/api/tasks",
        {
            "title": "Visit the five lapsed accounts",
            "assigned_to_id": world.rep1.pk,
            "customer_id": book.rep1.pk,
            "due_date": "2026-12-01",
            "priority": "high",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assigned_to"]["email"] == "rep1@acme.test"
    assert body["assigned_by"]["email"] == "manager@acme.test"
    assert (body["status"], body["priority"], body["due_date"]) == ("open", "high", "2026-12-01")
    task = Task.objects.for_tenant(world.acme).get(pk=body["id"])
    assert task.customer == book.rep1
    [audit] = audits(world, "task.create")
    assert audit.object_id == str(task.pk) and audit.actor == world.manager
    assert audit.after["assigned_to"] == world.rep1.pk


def test_a_reps_new_task_is_assigned_to_themselves(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/tasks", {"title": "Restock samples"})
    assert response.status_code == 201
    body = response.json()
    assert body["assigned_to"]["id"] == world.rep1.pk == body["assigned_by"]["id"]


def test_a_rep_cannot_create_a_task_for_another_rep(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/tasks", {"title": "You do it", "assigned_to_id": world.rep2.pk})
    assert response.status_code == 403
    assert Task.objects.for_tenant(world.acme).count() == 0
    assert audits(world, "task.create") == []


def test_a_manager_cannot_assign_outside_their_team(world: World, api_as: Any) -> None:
    response = api_as(world.manager).post("/api/tasks", {"title": "X", "assigned_to_id": world.rep3.pk})
    assert response.status_code == 403
    assert Task.objects.for_tenant(world.acme).count() == 0


def test_an_admin_assigns_anyone_in_the_tenant(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/tasks", {"title": "X", "assigned_to_id": world.rep3.pk})
    assert response.status_code == 201


def test_assigning_to_a_user_of_another_tenant_is_422_naming_assigned_to_id(
    world: World, api_as: Any
) -> None:
    response = api_as(world.admin).post("/api/tasks", {"title": "X", "assigned_to_id": world.other_rep.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "assigned_to_id"
    assert Task.objects.for_tenant(world.acme).count() == 0


def test_a_customer_the_actor_cannot_see_is_422_naming_customer_id(
    world: World, book: Book, api_as: Any
) -> None:
    rep1 = api_as(world.rep1)
    for customer in (book.rep2, book.other):
        response = rep1.post("/api/tasks", {"title": "X", "customer_id": customer.pk})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "customer_id"
    assert Task.objects.for_tenant(world.acme).count() == 0
    assert audits(world, "task.create") == []


def test_create_without_a_title_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/tasks", {"priority": "high"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["title"]


def test_create_with_a_blank_title_or_bad_priority_is_422(world: World, api_as: Any) -> None:
    rep1 = api_as(world.rep1)
    assert rep1.post("/api/tasks", {"title": "  "}).json()["errors"][0]["field"] == "title"
    response = rep1.post("/api/tasks", {"title": "X", "priority": "whenever"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "priority"


def test_a_task_cannot_be_created_already_done(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/tasks", {"title": "X", "status": "done"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


# Update


def test_patch_changes_only_given_fields_and_audits_before_and_after(
    world: World, tasks: Any, api_as: Any
) -> None:
    task = tasks["rep1"]
    response = api_as(world.manager).patch(f"/api/tasks/{task.pk}", {"due_date": "2026-12-24"})
    assert response.status_code == 200
    task.refresh_from_db()
    assert (str(task.due_date), task.title) == ("2026-12-24", "Visit Blue Door")
    [audit] = audits(world, "task.update")
    assert audit.before["due_date"] is None and audit.after["due_date"] == "2026-12-24"


def test_a_patch_that_changes_nothing_writes_no_audit_event(world: World, tasks: Any, api_as: Any) -> None:
    api_as(world.manager).patch(f"/api/tasks/{tasks['rep1'].pk}", {"title": "Visit Blue Door"})
    assert audits(world, "task.update") == []


def test_patch_rejects_null_for_a_required_field(world: World, tasks: Any, api_as: Any) -> None:
    response = api_as(world.manager).patch(f"/api/tasks/{tasks['rep1'].pk}", {"title": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "title", "message": "cannot be null"}]


def test_a_rep_cannot_rewrite_a_task_their_manager_assigned(world: World, tasks: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/tasks/{tasks['rep1'].pk}", {"title": "Skip it"})
    assert response.status_code == 403
    tasks["rep1"].refresh_from_db()
    assert tasks["rep1"].title == "Visit Blue Door"


def test_a_rep_moves_their_assigned_task_to_in_progress(world: World, tasks: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/tasks/{tasks['rep1'].pk}", {"status": "in_progress"})
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"


def test_a_rep_edits_a_task_they_created_for_themselves(world: World, api_as: Any) -> None:
    rep1 = api_as(world.rep1)
    pk = rep1.post("/api/tasks", {"title": "Draft"}).json()["id"]
    response = rep1.patch(f"/api/tasks/{pk}", {"title": "Final", "priority": "urgent"})
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["priority"]) == ("Final", "urgent")


def test_a_manager_reassigns_within_the_team_but_not_outside(world: World, tasks: Any, api_as: Any) -> None:
    manager = api_as(world.manager)
    pk = tasks["rep1"].pk
    assert manager.patch(f"/api/tasks/{pk}", {"assigned_to_id": world.rep3.pk}).status_code == 403
    response = manager.patch(f"/api/tasks/{pk}", {"assigned_to_id": world.rep2.pk})
    assert response.status_code == 200
    assert response.json()["assigned_to"]["id"] == world.rep2.pk


def test_patching_in_a_hidden_customer_is_422_and_writes_nothing(
    world: World, tasks: Any, book: Book, api_as: Any
) -> None:
    response = api_as(world.manager).patch(
        f"/api/tasks/{tasks['rep1'].pk}", {"title": "New", "customer_id": book.rep3.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"
    tasks["rep1"].refresh_from_db()
    assert tasks["rep1"].title == "Visit Blue Door"
    assert audits(world, "task.update") == []


def test_setting_status_done_by_patch_stamps_completed_at(world: World, tasks: Any, api_as: Any) -> None:
    body = api_as(world.rep1).patch(f"/api/tasks/{tasks['rep1'].pk}", {"status": "done"}).json()
    assert body["status"] == "done" and body["completed_at"] is not None


# Complete and reopen


def test_the_assignee_completes_a_task(world: World, tasks: Any, api_as: Any) -> None:
    response = api_as(world.rep1).post(f"/api/tasks/{tasks['rep1'].pk}/complete")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    task = Task.objects.for_tenant(world.acme).get(pk=tasks["rep1"].pk)
    assert task.status == "done" and task.completed_at is not None
    [audit] = audits(world, "task.complete")
    assert audit.actor == world.rep1 and audit.before["status"] == "open" and audit.after["status"] == "done"


def test_completing_a_done_task_again_changes_and_audits_nothing(
    world: World, tasks: Any, api_as: Any
) -> None:
    rep1 = api_as(world.rep1)
    first = rep1.post(f"/api/tasks/{tasks['rep1'].pk}/complete").json()["completed_at"]
    second = rep1.post(f"/api/tasks/{tasks['rep1'].pk}/complete")
    assert second.status_code == 200 and second.json()["completed_at"] == first
    assert len(audits(world, "task.complete")) == 1


def test_the_assignees_manager_completes_their_task(world: World, tasks: Any, api_as: Any) -> None:
    assert api_as(world.manager).post(f"/api/tasks/{tasks['rep2'].pk}/complete").status_code == 200


def test_a_manager_cannot_complete_a_task_they_assigned_outside_their_team(
    world: World, api_as: Any, unscoped: None
) -> None:
    task = make_task(world.acme, world.rep3, title="Cover", assigned_by=world.manager)
    response = api_as(world.manager).post(f"/api/tasks/{task.pk}/complete")
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_an_admin_completes_anyones_task(world: World, tasks: Any, api_as: Any) -> None:
    assert api_as(world.admin).post(f"/api/tasks/{tasks['rep3'].pk}/complete").status_code == 200


def test_reopen_sets_a_done_task_back_to_open(world: World, tasks: Any, api_as: Any) -> None:
    rep1 = api_as(world.rep1)
    rep1.post(f"/api/tasks/{tasks['rep1'].pk}/complete")
    response = rep1.post(f"/api/tasks/{tasks['rep1'].pk}/reopen")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["completed_at"]) == ("open", None)
    assert len(audits(world, "task.reopen")) == 1


# Delete


def test_the_creator_deletes_a_task(world: World, tasks: Any, api_as: Any) -> None:
    pk = tasks["rep1"].pk
    assert api_as(world.manager).delete(f"/api/tasks/{pk}").status_code == 204
    assert not Task.objects.for_tenant(world.acme).filter(pk=pk).exists()
    [audit] = audits(world, "task.delete")
    assert audit.object_id == str(pk) and audit.before["title"] == "Visit Blue Door"


def test_the_assignee_cannot_delete_a_task_someone_else_created(
    world: World, tasks: Any, api_as: Any
) -> None:
    assert api_as(world.rep1).delete(f"/api/tasks/{tasks['rep1'].pk}").status_code == 403
    assert Task.objects.for_tenant(world.acme).filter(pk=tasks["rep1"].pk).exists()


def test_an_admin_deletes_any_task(world: World, tasks: Any, api_as: Any) -> None:
    assert api_as(world.admin).delete(f"/api/tasks/{tasks['rep1'].pk}").status_code == 204
