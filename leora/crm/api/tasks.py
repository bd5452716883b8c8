from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.tasks import TaskFilters, TaskIn, TaskOut, TaskPatch
from leora.crm.selectors.tasks import task_get, task_list, task_ordering
from leora.crm.services.tasks import task_complete, task_create, task_delete, task_reopen, task_update
from leora.pagination import page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(TaskOut), summary="List tasks")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    tasks = task_list(
        actor=actor_of(request),
        search=filters.search,
        assigned_to_id=filters.assigned_to_id,
        status=filters.status,
        priority=filters.priority,
        customer_id=filters.customer_id,
        due_from=filters.due_from,
        due_to=filters.due_to,
        overdue=filters.overdue,
        mine=filters.mine,
        from_others=filters.from_others,
    )
    return paginate(task_ordering(tasks, filters.ordering), filters)


@router.post("", response={201: TaskOut}, summary="Create a task")
def create_task(request: HttpRequest, payload: TaskIn) -> Status[Any]:
    actor = actor_of(request)
    task = task_create(actor=actor, **payload.model_dump())
    # Read back through the selector so the body carries the same computed fields as a GET.
    return Status(201, task_get(actor=actor, task_id=task.pk))


@router.get("/{task_id}", response=TaskOut, summary="Get a task")
def get_task(request: HttpRequest, task_id: int) -> Any:
    return task_get(actor=actor_of(request), task_id=task_id)


@router.patch("/{task_id}", response=TaskOut, summary="Update a task")
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Any:
    actor = actor_of(request)
    task = task_get(actor=actor, task_id=task_id)
    changes = patch_changes(payload, nullable={"customer_id", "due_date"})
    task_update(actor=actor, task=task, changes=changes)
    return task_get(actor=actor, task_id=task_id)


@router.delete("/{task_id}", response={204: None}, summary="Delete a task (its creator or an admin)")
def delete_task(request: HttpRequest, task_id: int) -> Status[None]:
    actor = actor_of(request)
    task_delete(actor=actor, task=task_get(actor=actor, task_id=task_id))
    return Status(204, None)


@router.post("/{task_id}/complete", response=TaskOut, summary="Mark a task done")
def complete_task(request: HttpRequest, task_id: int) -> Any:
    actor = actor_of(request)
    task_complete(actor=actor, task=task_get(actor=actor, task_id=task_id))
    return task_get(actor=actor, task_id=task_id)


@router.post("/{task_id}/reopen", response=TaskOut, summary="Set a done task back to open")
def reopen_task(request: HttpRequest, task_id: int) -> Any:
    actor = actor_of(request)
    task_reopen(actor=actor, task=task_get(actor=actor, task_id=task_id))
    return task_get(actor=actor, task_id=task_id)
