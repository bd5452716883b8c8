"""A django-tasks backend over Leora's queue: ``@task`` functions and ``.enqueue()`` run as jobs.

Each task becomes a ``django_task`` job (its module path, args and kwargs in the payload), so it gets
the queue's retries, lease recovery and monitoring page. The job's tenant is the tenant in scope when
``.enqueue()`` is called (none outside a request or job), and the task runs in that scope.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.utils import normalize_json
from typing_extensions import ParamSpec

from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import job_enqueue
from leora.tenancy.models import Tenant
from leora.tenancy.scoping import active_tenant_id

T = TypeVar("T")
P = ParamSpec("P")

JOB_TYPE = "django_task"

_STATUS = {
    JobStatus.PENDING: TaskResultStatus.READY,
    JobStatus.PROCESSING: TaskResultStatus.RUNNING,
    JobStatus.COMPLETED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.CANCELLED: TaskResultStatus.FAILED,
}


class LeoraTaskBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = True
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task[P, T], args: P.args, kwargs: P.kwargs) -> TaskResult[T]:  # type: ignore[valid-type]
        """Enqueue ``task`` as a job (committed with the caller's transaction); return its TaskResult."""
        self.validate_task(task)
        tenant_id = active_tenant_id()
        job = job_enqueue(
            job_type=JOB_TYPE,
            payload={
                "module_path": task.module_path,
                "args": normalize_json(list(args)),
                "kwargs": normalize_json(dict(kwargs)),
                "queue_name": task.queue_name,
                "takes_context": task.takes_context,
                "backend": self.alias,
            },
            tenant=Tenant.objects.get(pk=tenant_id) if tenant_id is not None else None,
            priority=task.priority,
            run_after=task.run_after,
        )
        return task_result_of(job, task)

    def get_result(self, result_id: str) -> TaskResult:
        """Return the TaskResult of the job ``result_id``; TaskResultDoesNotExist when there is none."""
        try:
            job = Job.objects.get(pk=result_id, type=JOB_TYPE)
        except (Job.DoesNotExist, ValidationError, ValueError):
            raise TaskResultDoesNotExist(result_id) from None
        return task_result_of(job, _load_task(job.payload["module_path"]))


def _load_task(module_path: str) -> Task[Any, Any]:
    task = import_string(module_path)
    if not isinstance(task, Task):
        raise PermanentFailure(f"{module_path} is not a django-tasks Task")
    return task


def task_result_of(job: Job, task: Task[Any, Any]) -> TaskResult[Any]:
    """Return the django-tasks view of ``job``."""
    result: TaskResult[Any] = TaskResult(
        task=task,
        id=str(job.pk),
        status=_STATUS[JobStatus(job.status)],
        enqueued_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        last_attempted_at=job.started_at,
        args=job.payload.get("args", []),
        kwargs=job.payload.get("kwargs", {}),
        backend=job.payload.get("backend", "default"),
        errors=[
            TaskError(
                exception_class_path=entry.get("path") or "builtins.Exception",
                traceback=entry.get("traceback") or entry.get("message", ""),
            )
            for entry in job.errors
        ],
        worker_ids=[job.locked_by] * job.attempts if job.locked_by else [],
    )
    object.__setattr__(result, "_return_value", job.result)
    return result


def execute_task(ctx: JobContext, payload: Any) -> Any:
    """Run the task named by a ``django_task`` payload; return its JSON-normalised return value."""
    task = _load_task(payload.module_path)
    if payload.takes_context:
        value = task.call(
            TaskContext(task_result=task_result_of(ctx.job, task)), *payload.args, **payload.kwargs
        )
    else:
        value = task.call(*payload.args, **payload.kwargs)
    return normalize_json(value)
