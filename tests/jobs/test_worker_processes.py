"""Real worker processes against the test database: draining, crash recovery, graceful shutdown.

Nothing here sleeps to decide an order: handlers that must still be running when the test acts wait
on a gate the test opens (``gate`` jobs), lease expiry is driven by passing ``now``, and every wait
polls a condition under a generous deadline (tests/jobs/processes.py).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from leora.jobs.models import Job, JobStatus, WorkerHeartbeat
from leora.jobs.queue import job_enqueue, job_enqueue_many, job_recover
from leora.jobs.services import job_cancel
from tests.conftest import World
from tests.factories import actor
from tests.jobs import recording_worker
from tests.jobs.processes import finish, start_worker, wait_for, wait_for_log

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# A drain of thousands of jobs on a machine whose cores are busy with other work.
DRAIN_DEADLINE_SECONDS = 300


@pytest.fixture
def recorder_types() -> Iterator[None]:
    """Register the recording worker's job types here too, so this process can enqueue them."""
    recording_worker.register_recorder()
    yield
    recording_worker.unregister_recorder()


@pytest.fixture
def executions(transactional_db: Any, recorder_types: None) -> Iterator[None]:
    recording_worker.create_table()
    yield
    recording_worker.drop_table()


@pytest.fixture
def gate_file(tmp_path: Path, recorder_types: None) -> Path:
    """The file whose creation lets ``gate`` jobs finish (absent until the test creates it)."""
    return tmp_path / "gate-open"


def execution_count() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(recording_worker.COUNT)
        rows, distinct = cursor.fetchone()
    return rows, distinct


def drain(jobs: int, processes: int, concurrency: int = 1) -> None:
    # The barrier holds each worker's first job until every process has recorded one, so all of
    # them take part even when one starts long after the others.
    job_enqueue_many(job_type="record_execution", payloads=[{"barrier": processes}] * jobs)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would have them a minute later: without them the planner
        # guesses the new table is tiny and sorts every pending row instead of walking the claim index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE jobs_job")
    workers = [
        start_worker("--burst", "--batch-size", "20", "--concurrency", str(concurrency), recording=True)
        for _ in range(processes)
    ]
    for worker in workers:
        code, err = finish(worker, timeout=DRAIN_DEADLINE_SECONDS)
        assert code == 0, err[-3000:]
    assert execution_count() == (jobs, jobs)
    assert Job.objects.filter(status=JobStatus.COMPLETED).count() == jobs
    # Every job was claimed once: no attempt was ever lost or repeated.
    assert not Job.objects.exclude(attempts=1).exists()
    started_by = Job.objects.values_list("locked_by", flat=True).distinct()
    assert len(set(started_by)) == processes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL drain test")
def test_four_worker_processes_drain_ten_thousand_jobs_each_exactly_once(executions: None) -> None:
    drain(10_000, processes=4)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drain test")
def test_two_worker_processes_drain_two_thousand_jobs_each_exactly_once(executions: None) -> None:
    drain(2_000, processes=2, concurrency=2)


def test_a_job_whose_worker_is_killed_is_completed_by_another_after_the_lease(
    transactional_db: Any, gate_file: Path
) -> None:
    job = job_enqueue(job_type="gate", payload={"path": str(gate_file)})
    doomed = start_worker("--lease-seconds", "1", recording=True)
    wait_for(Job.objects.filter(pk=job.pk, status=JobStatus.PROCESSING).exists)
    os.kill(doomed.pid, signal.SIGKILL)
    finish(doomed)
    # Opened only now: the doomed worker cannot have finished the job before it was killed.
    gate_file.touch()
    rescuer = start_worker("--lease-seconds", "1", "--max-jobs", "1", recording=True)
    code, err = finish(rescuer)
    assert code == 0, err
    stored = Job.objects.get(pk=job.pk)
    assert (stored.status, stored.result) == (JobStatus.COMPLETED, {"attempt": 2})
    assert [entry["type"] for entry in stored.errors] == ["LeaseExpired"]
    assert stored.locked_by != stored.errors[0]["worker"]


def test_a_job_that_kills_its_worker_every_time_ends_failed_after_max_attempts(
    transactional_db: Any, gate_file: Path
) -> None:
    job = job_enqueue(job_type="gate", payload={"path": str(gate_file)}, max_attempts=2)
    for attempt in (1, 2):
        # The second worker takes the job back itself once the first one's lease has run out.
        worker = start_worker("--lease-seconds", "1", recording=True)
        wait_for(Job.objects.filter(pk=job.pk, status=JobStatus.PROCESSING, attempts=attempt).exists)
        os.kill(worker.pid, signal.SIGKILL)
        finish(worker)
    lease_end = Job.objects.get(pk=job.pk).locked_until
    assert lease_end is not None
    job_recover(now=lease_end + timedelta(seconds=1))
    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.FAILED
    assert [(entry["type"], entry["attempt"]) for entry in stored.errors] == [
        ("LeaseExpired", 1),
        ("LeaseExpired", 2),
    ]
    assert stored.finished_at == lease_end + timedelta(seconds=1)


def test_sigterm_finishes_the_running_job_gives_back_the_rest_and_exits_cleanly(
    transactional_db: Any, gate_file: Path
) -> None:
    running = job_enqueue(job_type="gate", payload={"path": str(gate_file)}, priority=1)
    waiting = job_enqueue(job_type="noop")
    worker = start_worker("--batch-size", "5", recording=True, LOG_LEVEL="INFO")
    wait_for(Job.objects.filter(pk=running.pk, status=JobStatus.PROCESSING).exists)
    worker.send_signal(signal.SIGTERM)
    # The running job may finish only once the worker has taken the signal in.
    wait_for_log(worker, "event=worker.stopping")
    gate_file.touch()
    code, err = finish(worker)
    assert code == 0, err
    assert Job.objects.get(pk=running.pk).status == JobStatus.COMPLETED
    left = Job.objects.get(pk=waiting.pk)
    assert (left.status, left.attempts) == (JobStatus.PENDING, 0)


def test_a_worker_logs_one_line_per_state_change(transactional_db: Any) -> None:
    job = job_enqueue(job_type="fail", payload={"succeed_on_attempt": 2})
    worker = start_worker("--burst", LOG_LEVEL="INFO", JOB_BACKOFF_BASE_SECONDS="0")
    code, err = finish(worker)
    assert code == 0, err
    events = [line.split("event=")[1].split()[0] for line in err.splitlines() if f"job={job.pk}" in line]
    assert events == ["job.started", "job.retry_scheduled", "job.started", "job.completed"]


def test_processes_mode_runs_several_workers_and_stops_them_all_on_sigterm(transactional_db: Any) -> None:
    for _ in range(5):
        job_enqueue(job_type="noop")
    parent = start_worker("--processes", "2")
    wait_for(lambda: WorkerHeartbeat.objects.filter(stopped_at__isnull=True).count() == 2)
    wait_for(lambda: Job.objects.filter(status=JobStatus.COMPLETED).count() == 5)
    parent.send_signal(signal.SIGTERM)
    code, err = finish(parent)
    assert code == 0, err
    assert WorkerHeartbeat.objects.filter(stopped_at__isnull=False).count() == 2


def test_cancelling_a_running_job_stops_it_in_its_worker(
    world: World, transactional_db: Any, gate_file: Path
) -> None:
    job = job_enqueue(job_type="gate", payload={"path": str(gate_file)}, tenant=world.acme)
    worker = start_worker("--lease-seconds", "3", "--max-jobs", "1", recording=True)
    wait_for(Job.objects.filter(pk=job.pk, status=JobStatus.PROCESSING, progress__gt=0).exists)
    job_cancel(actor=actor(world.acme, world.admin), job=Job.objects.get(pk=job.pk))
    code, err = finish(worker)
    assert code == 0, err
    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.CANCELLED
    assert stored.progress < 100
