"""Module-level tasks for the Django Tasks backend tests (the Tasks API requires module-level functions)."""

from __future__ import annotations

from django_tasks import TaskContext, task

from leora.tenancy.scoping import active_tenant_id


@task()
def add(a: int, b: int) -> int:
    return a + b


@task(priority=20)
def urgent() -> str:
    return "done"


@task()
def explode(message: str) -> None:
    raise ValueError(message)


@task()
def which_tenant() -> int | None:
    return active_tenant_id()


@task(takes_context=True)
def attempt_number(context: TaskContext) -> int:
    return context.attempt
