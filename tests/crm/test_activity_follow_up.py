"""An activity logged with a follow-up task: both written in one transaction, or neither."""

from datetime import date
from typing import Any

import pytest

from leora.crm.models import Activity, Task
from leora.crm.services.activities import FollowUp, activity_create
from leora.errors import InvalidInput
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import actor

pytestmark = pytest.mark.django_db


def test_a_visit_with_a_follow_up_creates_the_task_on_the_same_customer(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.rep1).post(
        "/api/activities",
        {
            "customer_id": book.rep1.pk,
            "kind": "visit",
            "subject": "Walked the spring list",
            "follow_up": {"title": "Send the rosé price sheet", "due_date": "2026-04-03"},
        },
    )
    assert response.status_code == 201
    body = response.json()
    task = Task.objects.for_tenant(world.acme).get()
    assert body["follow_up_task"]["id"] == task.pk
    assert body["follow_up_task"]["title"] == "Send the rosé price sheet"
    assert (task.customer_id, task.assigned_to_id, task.assigned_by_id, task.due_date) == (
        book.rep1.pk,
        world.rep1.pk,
        world.rep1.pk,
        date(2026, 4, 3),
    )
    audited = AuditEvent.objects.for_tenant(world.acme).filter(object_type__in=["activity", "task"])
    assert set(audited.values_list("action", flat=True)) == {"activity.create", "task.create"}


def test_without_a_follow_up_no_task_is_created(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/activities", {"customer_id": book.rep1.pk, "kind": "call"})
    assert response.status_code == 201
    assert response.json()["follow_up_task"] is None
    assert not Task.objects.for_tenant(world.acme).exists()


def test_a_managers_follow_up_goes_to_the_rep_the_activity_is_logged_for(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.manager).post(
        "/api/activities",
        {
            "customer_id": book.rep2.pk,
            "kind": "tasting",
            "user_id": world.rep2.pk,
            "follow_up": {"title": "Take the reorder"},
        },
    )
    assert response.status_code == 201
    task = Task.objects.for_tenant(world.acme).get()
    assert (task.assigned_to_id, task.assigned_by_id, task.due_date) == (
        world.rep2.pk,
        world.manager.pk,
        None,
    )


def test_a_blank_follow_up_title_is_422_naming_the_field_and_writes_nothing(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.rep1).post(
        "/api/activities",
        {"customer_id": book.rep1.pk, "kind": "visit", "follow_up": {"title": "   "}},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "follow_up.title"
    assert not Activity.objects.for_tenant(world.acme).exists()
    assert not Task.objects.for_tenant(world.acme).exists()


def test_the_service_refuses_a_blank_follow_up_title_before_writing(world: World, book: Book) -> None:
    with pytest.raises(InvalidInput) as refused:
        activity_create(
            actor=actor(world.acme, world.rep1),
            customer_id=book.rep1.pk,
            kind="visit",
            follow_up=FollowUp(title=" "),
        )
    assert refused.value.errors[0].field == "follow_up.title"
    assert not Activity.objects.for_tenant(world.acme).exists()
    assert not AuditEvent.objects.for_tenant(world.acme).filter(object_type="activity").exists()


def test_a_follow_up_on_another_reps_customer_writes_nothing(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/activities",
        {"customer_id": book.rep2.pk, "kind": "visit", "follow_up": {"title": "Call back"}},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"
    assert not Activity.objects.for_tenant(world.acme).exists()
    assert not Task.objects.for_tenant(world.acme).exists()
