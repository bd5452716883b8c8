"""The noop task the django-tasks-db benchmark enqueues (the Tasks API needs a module-level function)."""

from __future__ import annotations

from django_tasks import task


@task()
def noop() -> None:
    return None
