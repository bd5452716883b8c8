"""What a handler gets besides its payload: the job's tenant, a progress reporter and the cancel check."""

from __future__ import annotations

import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

from leora.jobs.models import Job
from leora.jobs.queue import held_jobs

if TYPE_CHECKING:
    from leora.tenancy.models import Tenant

# Progress is written at most this often (plus always at 100%), so a tight loop reporting every
# item does not turn into one UPDATE per item.
PROGRESS_WRITE_INTERVAL = 0.5
# How often check_cancel() asks the database when no heartbeat has told us already.
CANCEL_POLL_INTERVAL = 1.0


class JobCancelled(Exception):
    """Raised inside a handler when an admin asked to cancel the job; the job ends ``cancelled``."""


class JobTimedOut(Exception):
    """Raised by progress()/check_cancel() once the job has run past its type's timeout."""


class PermanentFailure(Exception):
    """Raise from a handler to fail the job at once, without the remaining retries."""


class JobContext:
    """Handed to every handler. ``tenant`` is the job's own tenant (None for system jobs)."""

    def __init__(self, job: Job, *, worker_id: str, cancel_event: threading.Event | None = None) -> None:
        self.job = job
        self.worker_id = worker_id
        self._cancel_event = cancel_event or threading.Event()
        self._deadline = time.monotonic() + job.timeout_seconds
        self._last_progress_write = 0.0
        self._last_cancel_poll = time.monotonic()

    @property
    def attempt(self) -> int:
        return self.job.attempts

    @cached_property
    def tenant(self) -> Tenant | None:
        from leora.tenancy.models import Tenant

        if self.job.tenant_id is None:
            return None
        return Tenant.objects.get(pk=self.job.tenant_id)

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_event.is_set()

    def check_cancel(self) -> None:
        """Raise JobCancelled when cancellation was requested, JobTimedOut past the timeout."""
        if time.monotonic() > self._deadline:
            raise JobTimedOut(f"job ran longer than its timeout of {self.job.timeout_seconds} s")
        now = time.monotonic()
        if not self._cancel_event.is_set() and now - self._last_cancel_poll >= CANCEL_POLL_INTERVAL:
            self._last_cancel_poll = now
            if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
                self._cancel_event.set()
        if self._cancel_event.is_set():
            raise JobCancelled("cancelled at an admin's request")

    def progress(self, percent: float, message: str = "") -> None:
        """Record progress (0-100) and a short message; raises JobCancelled if the job was cancelled."""
        value = max(0, min(100, int(percent)))
        now = time.monotonic()
        if value >= 100 or now - self._last_progress_write >= PROGRESS_WRITE_INTERVAL:
            self._last_progress_write = now
            # Guarded by the lease: a worker that lost the job must not overwrite the new owner's progress.
            held_jobs(worker_id=self.worker_id, job_ids=[self.job.pk]).update(
                progress=value, progress_message=message[:200]
            )
            self.job.progress = value
            self.job.progress_message = message[:200]
        self.check_cancel()
