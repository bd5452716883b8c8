"""Writes of tasks. Every change is atomic and writes an audit event in the same transaction.

Who may do what, beyond seeing the task (which ``visible_tasks`` decides):
- assign: a rep only to themselves, a manager to their team, an admin to anyone in the tenant;
- complete, reopen, change the status: the assignee, the assignee's manager, or an admin;
- edit anything else: the creator, the assignee's manager, an admin, or the assignee of a task they
  created themselves (a manager's instructions are not rewritten by the rep they were given to);
- delete: the creator or an admin.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from leora.crm.models import OPEN_TASK_STATUSES, Customer, Task, TaskStatus
from leora.crm.services.common import changed_fields, snapshot, visible_customer
from leora.crm.signals import book_changed
from leora.errors import FieldError, Forbidden
from leora.events import event_emit
from leora.tenancy.actors import Actor
from leora.tenancy.models import User
from leora.tenancy.selectors.members import assignable_person
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = [
    "title", "description", "customer", "assigned_to", "assigned_by", "due_date", "priority", "status",
    "completed_at",
]  # fmt: skip


def _assignee(actor: Actor, user_id: int) -> User:
    """Return whom the task goes to: a rep only to themselves, others within ``assignable_person``.

    A refusal (403) names ``assigned_to_id``, so the form shows it beside the assignee picker and an
    API client knows which field to change.
    """
    try:
        if actor.is_rep and user_id != actor.user.pk:
            raise Forbidden("a sales rep creates tasks for themselves only")
        return assignable_person(actor=actor, user_id=user_id, field="assigned_to_id")
    except Forbidden as refusal:
        refusal.errors = [FieldError("assigned_to_id", refusal.detail)]
        raise


def _visible_customer(actor: Actor, customer_id: int | None) -> Customer | None:
    return None if customer_id is None else visible_customer(actor=actor, customer_id=customer_id)


def may_complete(actor: Actor, task: Task) -> bool:
    """True when ``actor`` may complete or reopen ``task``: its assignee, their manager or an admin."""
    if actor.is_admin or task.assigned_to_id == actor.user.pk:
        return True
    return actor.is_manager and task.assigned_to_id in actor.team_user_ids


def may_edit(actor: Actor, task: Task) -> bool:
    """True when ``actor`` may change a task's details (see the module docstring)."""
    if actor.is_admin or task.assigned_by_id == actor.user.pk:
        return True
    if actor.is_manager and task.assigned_to_id in actor.team_user_ids:
        return True
    return task.assigned_to_id == actor.user.pk and task.assigned_by_id in (None, actor.user.pk)


def may_delete(actor: Actor, task: Task) -> bool:
    """True when ``actor`` may delete ``task``: its creator or an admin."""
    return actor.is_admin or task.assigned_by_id == actor.user.pk


@transaction.atomic
def task_create(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    customer_id: int | None = None,
    assigned_to_id: int | None = None,
    due_date: date | None = None,
    priority: str = "normal",
    status: str = TaskStatus.OPEN,
) -> Task:
    """Create a task assigned by the actor, to themselves unless they name someone in their scope."""
    assignee = _assignee(actor, actor.user.pk if assigned_to_id is None else assigned_to_id)
    customer = _visible_customer(actor, customer_id)
    task = Task(
        tenant=actor.tenant, title=title, description=description, customer=customer, assigned_to=assignee,
        assigned_by=actor.user, due_date=due_date, priority=priority, status=status,
    )  # fmt: skip
    task.save(force_insert=True)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="task.create", obj=task,
        after=snapshot(task, AUDITED_FIELDS),
    )  # fmt: skip
    _emit_assigned(actor, task)
    return task


def _emit_assigned(actor: Actor, task: Task) -> None:
    # What a webhook subscriber receives (docs/webhooks.md).
    data = {
        "id": task.pk, "title": task.title, "assigned_to_id": task.assigned_to_id,
        "assigned_by_id": task.assigned_by_id, "customer_id": task.customer_id,
        "due_date": task.due_date.isoformat() if task.due_date else None, "priority": task.priority,
        "status": task.status,
    }  # fmt: skip
    event_emit(tenant_id=actor.tenant.pk, event="task.assigned", data=data)


def _status_fields(task: Task, status: str) -> dict[str, Any]:
    """The fields a move to ``status`` sets: completed_at follows whether the task is done."""
    if status == TaskStatus.DONE:
        return {"status": status, "completed_at": task.completed_at or timezone.now()}
    return {"status": status, "completed_at": None}


@transaction.atomic
def task_update(*, actor: Actor, task: Task, changes: dict[str, Any]) -> Task:
    """Apply ``changes`` to a visible task; an edit that changes nothing writes nothing."""
    changes = dict(changes)
    status = changes.pop("status", None)
    if changes and not may_edit(actor, task):
        raise Forbidden("only the task's creator, the assignee's manager or an admin may edit this task")
    if status is not None and status != task.status and not may_complete(actor, task):
        raise Forbidden("only the assignee, their manager or an admin may change this task's status")
    if "assigned_to_id" in changes:
        changes["assigned_to"] = _assignee(actor, changes.pop("assigned_to_id"))
    if "customer_id" in changes:
        changes["customer"] = _visible_customer(actor, changes.pop("customer_id"))
    if status is not None and status != task.status:
        changes.update(_status_fields(task, status))
    diff = changed_fields(task, changes)
    if not diff:
        return task
    before = snapshot(task, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(task, name, value)
    task.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="task.update", obj=task,
        before=before, after=snapshot(task, AUDITED_FIELDS),
    )  # fmt: skip
    if "assigned_to" in diff:
        _emit_assigned(actor, task)
    return task


def _move(*, actor: Actor, task: Task, to_status: str, from_statuses: list[str], action: str) -> Task:
    if not may_complete(actor, task):
        raise Forbidden("only the assignee, their manager or an admin may complete or reopen this task")
    fields = _status_fields(task, to_status)
    # A conditional update, so two clicks racing each other change the task (and audit it) once.
    moved = (
        Task.objects.for_tenant(actor.tenant).filter(pk=task.pk, status__in=from_statuses).update(**fields)
    )
    before = snapshot(task, AUDITED_FIELDS)
    task.refresh_from_db(fields=["status", "completed_at"])
    if moved:
        # The conditional update bypasses model signals; cached dashboard widgets list open tasks.
        book_changed.send(sender=Task, tenant_id=actor.tenant.pk)
        audit_record(
            tenant=actor.tenant, actor=actor.user, action=action, obj=task,
            before=before, after=snapshot(task, AUDITED_FIELDS),
        )  # fmt: skip
    return task


@transaction.atomic
def task_complete(*, actor: Actor, task: Task) -> Task:
    """Mark a task done now; completing a done task again changes nothing."""
    return _move(
        actor=actor, task=task, to_status=TaskStatus.DONE,
        from_statuses=[*OPEN_TASK_STATUSES, TaskStatus.CANCELLED], action="task.complete",
    )  # fmt: skip


@transaction.atomic
def task_reopen(*, actor: Actor, task: Task) -> Task:
    """Set a done or cancelled task back to open; reopening an open task changes nothing."""
    return _move(
        actor=actor, task=task, to_status=TaskStatus.OPEN,
        from_statuses=[TaskStatus.DONE, TaskStatus.CANCELLED], action="task.reopen",
    )  # fmt: skip


@transaction.atomic
def task_delete(*, actor: Actor, task: Task) -> None:
    """Delete a task: only its creator or an admin may."""
    if not may_delete(actor, task):
        raise Forbidden("only the task's creator or an admin may delete it")
    before = snapshot(task, AUDITED_FIELDS)
    task_id = task.pk
    task.delete()
    task.pk = task_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="task.delete", obj=task, before=before)
