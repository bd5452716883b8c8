"""Who a task may be created for, decided once in task_create and task_update (the API and the
"New task" form both go through them), and the filter for tasks handed over by someone else."""

from __future__ import annotations

from typing import Any

import pytest

from leora.crm.models import Task
from leora.crm.services.tasks import task_create, task_update
from leora.errors import Forbidden
from leora.tenancy.models import AuditEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def nothing_written(world: World) -> bool:
    tasks = Task.objects.for_tenant(world.acme)
    return not tasks.exists() and not AuditEvent.objects.for_tenant(world.acme).filter(action="task.create")


def test_a_rep_creates_a_task_for_themselves(world: World) -> None:
    task = task_create(actor=factories.actor(world.acme, world.rep1), title="Bring samples")
    assert task.assigned_to == world.rep1 and task.assigned_by == world.rep1
    task = task_create(
        actor=factories.actor(world.acme, world.rep1), title="Call back", assigned_to_id=world.rep1.pk
    )
    assert task.assigned_to == world.rep1


@pytest.mark.parametrize("whom", ["rep2", "manager", "rep3", "other_rep"])
def test_a_rep_cannot_create_a_task_for_anyone_else_and_the_refusal_names_the_field(
    world: World, unscoped: None, whom: str
) -> None:
    with pytest.raises(Forbidden) as refusal:
        task_create(
            actor=factories.actor(world.acme, world.rep1), title="You do it",
            assigned_to_id=getattr(world, whom).pk,
        )  # fmt: skip
    assert [e.field for e in refusal.value.errors] == ["assigned_to_id"]
    assert "themselves" in refusal.value.detail
    assert nothing_written(world)


def test_a_rep_cannot_hand_their_own_task_to_someone_else(world: World, unscoped: None) -> None:
    actor = factories.actor(world.acme, world.rep1)
    task = task_create(actor=actor, title="Mine")
    with pytest.raises(Forbidden) as refusal:
        task_update(actor=actor, task=task, changes={"assigned_to_id": world.rep2.pk})
    assert refusal.value.errors[0].field == "assigned_to_id"
    task.refresh_from_db()
    assert task.assigned_to == world.rep1


def test_a_manager_creates_tasks_for_themselves_or_their_team_only(world: World, unscoped: None) -> None:
    actor = factories.actor(world.acme, world.manager)
    assert task_create(actor=actor, title="Plan").assigned_to == world.manager
    assert task_create(actor=actor, title="Visit", assigned_to_id=world.rep2.pk).assigned_to == world.rep2
    with pytest.raises(Forbidden) as refusal:
        task_create(actor=actor, title="Not mine to give", assigned_to_id=world.rep3.pk)
    assert refusal.value.errors[0].field == "assigned_to_id"
    assert not Task.objects.for_tenant(world.acme).filter(assigned_to=world.rep3).exists()


def test_the_api_answers_a_reps_task_for_someone_else_with_403_naming_the_field(
    world: World, api_as: Any, unscoped: None
) -> None:
    response = api_as(world.rep1).post("/api/tasks", {"title": "You do it", "assigned_to_id": world.rep2.pk})
    assert response.status_code == 403
    assert response.json()["errors"] == [
        {"field": "assigned_to_id", "message": "a sales rep creates tasks for themselves only"}
    ]
    assert nothing_written(world)


# Handed over by someone else


@pytest.fixture
def handed(world: World, unscoped: None) -> dict[str, Task]:
    return {
        "from_manager": factories.make_task(
            world.acme, world.rep1, title="From manager", assigned_by=world.manager
        ),
        "self_made": factories.make_task(world.acme, world.rep1, title="Self made", assigned_by=world.rep1),
        "no_creator": factories.make_task(world.acme, world.rep1, title="No creator"),
    }


def test_the_api_filters_tasks_handed_over_by_someone_else(world: World, handed: Any, api_as: Any) -> None:
    rep1 = api_as(world.rep1)
    handed_over = rep1.get("/api/tasks", from_others="true").json()["items"]
    assert [t["title"] for t in handed_over] == ["From manager"]
    own = rep1.get("/api/tasks", from_others="false").json()["items"]
    assert sorted(t["title"] for t in own) == ["No creator", "Self made"]
