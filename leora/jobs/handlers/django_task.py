"""django_task: a function decorated with ``@task`` (Django's Tasks API) enqueued through our backend."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from leora.jobs.context import JobContext
from leora.jobs.registry import Payload, register


class DjangoTaskPayload(Payload):
    module_path: str = Field(..., min_length=1, max_length=300)
    args: list[Any] = Field(default_factory=list)
    kwargs: dict[str, Any] = Field(default_factory=dict)
    queue_name: str = Field("default", max_length=100)
    takes_context: bool = False
    backend: str = Field("default", max_length=100)


@register("django_task", schema=DjangoTaskPayload, description="Runs a Django Tasks API task.")
def run_django_task(ctx: JobContext, payload: DjangoTaskPayload) -> Any:
    from leora.jobs.tasks_backend import execute_task

    return execute_task(ctx, payload)
