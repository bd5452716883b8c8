"""Process a few jobs inside one HTTP request: the serverless alternative to a long-running worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.db import connection

from leora.jobs.conf import job_setting
from leora.jobs.queue import job_claim, job_heartbeat, job_recover, new_worker_id
from leora.jobs.runner import OutcomeCounts, run_job
from leora.jobs.schedule import schedule_tick


@dataclass
class ProcessReport(OutcomeCounts):
    """What one ``POST /api/jobs/process`` did: the outcome of every job it ran, and its housekeeping."""

    recovered: int = 0
    scheduled: int = 0
    job_ids: list[UUID] = field(default_factory=list)
    elapsed_seconds: float = 0.0

    @property
    def processed(self) -> int:
        """Return how many jobs this call ran, whatever their outcome (lost ones included)."""
        return self.total


class _LeaseKeeper(threading.Thread):
    """Renews the lease of the job being run (a request has no worker heartbeat of its own)."""

    def __init__(self, worker_id: str, lease_seconds: float) -> None:
        super().__init__(daemon=True, name="job-lease-keeper")
        self.worker_id = worker_id
        self.lease_seconds = lease_seconds
        self.job_id: UUID | None = None
        self.cancel_event = threading.Event()
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.lease_seconds / 3):
                job_id = self.job_id
                if job_id is not None and job_heartbeat(
                    worker_id=self.worker_id, job_ids=[job_id], lease_seconds=self.lease_seconds
                ):
                    self.cancel_event.set()
        finally:
            connection.close()


def process_jobs(
    *, max_jobs: int = 10, budget_seconds: float = 25.0, types: Sequence[str] | None = None
) -> ProcessReport:
    """Run up to ``max_jobs`` ready jobs, claiming no new one once ``budget_seconds`` have passed.

    Also enqueues the schedule's due slots and recovers expired leases first, so a deployment with
    no worker at all still runs its periodic jobs. Returns the counts and the ids of the jobs run.
    """
    started = time.monotonic()
    worker_id = new_worker_id(prefix="http:")
    report = ProcessReport()
    report.scheduled = len(schedule_tick())
    requeued, failed = job_recover()
    report.recovered = requeued + failed
    lease_seconds = float(job_setting("JOB_LEASE_SECONDS"))
    keeper = _LeaseKeeper(worker_id, lease_seconds)
    keeper.start()
    try:
        while report.processed < max_jobs and time.monotonic() - started < budget_seconds:
            jobs = job_claim(worker_id=worker_id, limit=1, types=types, lease_seconds=lease_seconds)
            if not jobs:
                break
            job = jobs[0]
            keeper.cancel_event = threading.Event()
            keeper.job_id = job.pk
            outcome = run_job(job, worker_id=worker_id, cancel_event=keeper.cancel_event)
            keeper.job_id = None
            report.add(outcome)
            report.job_ids.append(job.pk)
    finally:
        keeper.stopped.set()
        keeper.join(timeout=5)
    report.elapsed_seconds = round(time.monotonic() - started, 3)
    return report
