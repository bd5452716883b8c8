"""Run one claimed job: validate its payload, call its handler in the job's tenant scope, record the outcome.

Shared by the worker and by ``POST /api/jobs/process``.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from leora.jobs.context import JobCancelled, JobContext, PermanentFailure
from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import job_complete, job_fail, job_finish_cancelled
from leora.jobs.registry import get_type
from leora.tenancy.scoping import scopes_disabled, tenant_scope

log = logging.getLogger("leora.jobs")


class Outcome(enum.Enum):
    SUCCEEDED = "succeeded"
    RETRIED = "retried"
    FAILED = "failed"
    CANCELLED = "cancelled"
    LOST = "lost"
    """The worker's lease ran out meanwhile; someone else owns the job now."""


@dataclass
class OutcomeCounts:
    """How many jobs ended in each outcome: what the worker, ``leora worker`` and
    ``POST /api/jobs/process`` report. One field per Outcome, named by its value."""

    succeeded: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    lost: int = 0

    def add(self, outcome: Outcome, *, count: int = 1) -> None:
        """Count ``count`` more jobs that ended in ``outcome``."""
        setattr(self, outcome.value, getattr(self, outcome.value) + count)

    @property
    def total(self) -> int:
        """Return how many jobs were counted, whatever their outcome."""
        return sum(self.by_outcome().values())

    def by_outcome(self) -> dict[str, int]:
        """Return the count of every outcome, keyed by its value, in Outcome order."""
        return {outcome.value: getattr(self, outcome.value) for outcome in Outcome}

    def summary(self) -> str:
        """Return the counts as text: ``3 succeeded, 1 retried, 0 failed, 0 cancelled, 0 lost``."""
        return ", ".join(f"{n} {name}" for name, n in self.by_outcome().items())


@dataclass
class Ran:
    """A handler's return: ``ok`` with its result, or the exception it raised."""

    ok: bool
    result: Any = None
    error: BaseException | None = None


@contextlib.contextmanager
def job_scope(job: Job) -> Iterator[None]:
    """Scope queries to the job's tenant (all tenants for a system job), never the previous job's."""
    scope = tenant_scope(job.tenant_id) if job.tenant_id is not None else scopes_disabled()
    with scope:
        yield


def call_handler(job: Job, *, worker_id: str, cancel_event: threading.Event | None = None) -> Ran:
    """Call the job's handler; return what it returned or raised (never raises itself)."""
    registered = get_type(job.type)
    if registered is None:
        return Ran(ok=False, error=PermanentFailure(f"no handler registered for job type {job.type!r}"))
    ctx = JobContext(job, worker_id=worker_id, cancel_event=cancel_event)
    try:
        payload = registered.schema.model_validate(job.payload)
    except PydanticValidationError as exc:
        return Ran(ok=False, error=PermanentFailure(f"stored payload no longer valid: {exc}"))
    try:
        with job_scope(job):
            result = registered.handler(ctx, payload)
    except Exception as exc:
        return Ran(ok=False, error=exc)
    if isinstance(result, dict | list | str | int | float | bool) or result is None:
        return Ran(ok=True, result=result)
    return Ran(ok=True, result=str(result))


def record_failure(job: Job, *, worker_id: str, error: BaseException) -> Outcome:
    """Record a handler's exception on the job and return what became of it."""
    if isinstance(error, JobCancelled):
        return Outcome.CANCELLED if job_finish_cancelled(job=job, worker_id=worker_id) else Outcome.LOST
    status = job_fail(job=job, worker_id=worker_id, exc=error, retry=not isinstance(error, PermanentFailure))
    if status is None:
        return Outcome.LOST
    return Outcome.FAILED if status == JobStatus.FAILED else Outcome.RETRIED


def run_job(job: Job, *, worker_id: str, cancel_event: threading.Event | None = None) -> Outcome:
    """Run one claimed job to its outcome and record it (one job, one transaction per state change)."""
    ran = call_handler(job, worker_id=worker_id, cancel_event=cancel_event)
    if ran.ok:
        return (
            Outcome.SUCCEEDED
            if job_complete(job=job, worker_id=worker_id, result=ran.result)
            else Outcome.LOST
        )
    assert ran.error is not None
    return record_failure(job, worker_id=worker_id, error=ran.error)
