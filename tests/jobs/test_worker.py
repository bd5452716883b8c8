"""The worker run in this process (its threads use their own connections, hence committed data)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command

from leora.jobs.models import Job, JobStatus, WorkerHeartbeat
from leora.jobs.queue import job_enqueue
from leora.jobs.worker import Worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_signals() -> Iterator[None]:
    """Give pytest its SIGTERM and SIGINT handlers back after a worker installed its own."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_a_burst_worker_counts_every_outcome_including_a_lost_job(lease_loser: str) -> None:
    job_enqueue(job_type="noop", priority=2)
    job_enqueue(job_type="fail", payload={"message": "nope"}, max_attempts=1, priority=1)
    job_enqueue(job_type=lease_loser)
    worker = Worker(burst=True, schedule=False, batch_size=1)
    stats = worker.run(install_signals=False)
    assert (stats.succeeded, stats.failed, stats.lost, stats.total) == (1, 1, 1, 3)
    assert WorkerHeartbeat.objects.get(pk=worker.worker_id).jobs_done == 3


def test_a_job_lost_inside_a_completed_batch_is_counted_as_lost(lease_loser: str) -> None:
    job_enqueue(job_type="noop", priority=1)
    lost = job_enqueue(job_type=lease_loser)
    stats = Worker(burst=True, schedule=False, batch_size=10).run(install_signals=False)
    assert (stats.succeeded, stats.lost) == (1, 1)
    assert Job.objects.get(pk=lost.pk).status == JobStatus.PROCESSING


def test_the_worker_command_summary_names_lost_jobs(lease_loser: str, own_signals: None) -> None:
    job_enqueue(job_type=lease_loser)
    out = StringIO()
    call_command("worker", "--burst", "--no-schedule", "--worker-id", "w-test", stdout=out)
    assert out.getvalue().strip() == (
        "worker w-test stopped: 0 succeeded, 0 retried, 0 failed, 0 cancelled, 1 lost"
    )
