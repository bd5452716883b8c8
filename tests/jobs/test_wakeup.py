"""Idle workers wake at once for a new job: NOTIFY at commit on PostgreSQL, the in-process wake on any
database, the earliest run_after; adaptive polling when no notification can come.

The workers here run in this process (``Worker.run`` in a thread, against the committed test
database) with their polls pushed out to an hour, so a job that starts within the test's deadline
can only have been started by the wake-up under test. Every wait polls a condition under a generous
deadline (tests/jobs/processes.py); nothing asserts how fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import job_enqueue
from leora.jobs.wakeup import CHANNEL, IdlePoll, Wakeup, unsubscribe
from leora.jobs.worker import Worker
from tests.conftest import World
from tests.jobs.processes import wait_for

# Committed data: the workers' threads and the listening connections see only what was committed.
committed = pytest.mark.django_db(transaction=True)

HOUR = 3600.0
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no LISTEN/NOTIFY; its workers poll"
)


@pytest.fixture
def no_polling(settings: Any) -> None:
    """Idle workers would poll only once an hour: what starts a job in a test is a wake-up."""
    settings.JOB_POLL_MIN_SECONDS = HOUR
    settings.JOB_POLL_INTERVAL_SECONDS = HOUR
    settings.JOB_LISTEN_POLL_SECONDS = HOUR


@pytest.fixture
def run_worker() -> Iterator[Callable[..., Worker]]:
    """Start ``Worker(**options)`` in a thread of this process; stop every one started at the end."""
    started: list[tuple[Worker, threading.Thread]] = []

    def start(**options: Any) -> Worker:
        worker = Worker(schedule=False, **options)
        thread = threading.Thread(target=worker.run, kwargs={"install_signals": False}, daemon=True)
        thread.start()
        started.append((worker, thread))
        wait_for(lambda: worker.idle)
        return worker

    yield start
    for worker, thread in started:
        worker.stop()
        thread.join(timeout=60)
        assert not thread.is_alive(), "the worker did not stop"


def listener_connection() -> Any:
    """A connection of the test's own, LISTENing on the queue's channel."""
    import psycopg

    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    conn = psycopg.connect(**params, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def notify_marker(payload: str) -> None:
    """Send a notification from a committed transaction of its own: the order reference."""
    conn = listener_connection()
    try:
        conn.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
    finally:
        conn.close()


def first_payloads(conn: Any, count: int) -> list[str]:
    """Return the payloads of the next ``count`` notifications, in the order they were delivered."""
    payloads: list[str] = []
    for notify in conn.notifies(timeout=120, stop_after=count):
        payloads.append(notify.payload)
    return payloads[:count]


def completed(job: Job) -> bool:
    return Job.objects.filter(pk=job.pk, status=JobStatus.COMPLETED).exists()


# ----------------------------------------------------------------------------- NOTIFY (PostgreSQL)


@committed
@postgresql_only
def test_an_enqueue_notifies_when_its_transaction_commits_not_before() -> None:
    conn = listener_connection()
    try:
        with transaction.atomic():
            job_enqueue(job_type="noop")
            # Committed while the job's transaction is still open: delivered first if the job's
            # notification waits for its commit, as it must.
            notify_marker("before-commit")
        assert first_payloads(conn, 2) == ["before-commit", ""]
    finally:
        conn.close()


@committed
@postgresql_only
def test_a_rolled_back_enqueue_notifies_nobody() -> None:
    conn = listener_connection()
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            job_enqueue(job_type="noop")
            raise RuntimeError("the caller's transaction fails")
        notify_marker("after-rollback")
        # The first notification is the marker: the rolled-back job sent none.
        assert first_payloads(conn, 1) == ["after-rollback"]
        assert not Job.objects.exists()
    finally:
        conn.close()


@committed
@postgresql_only
def test_a_listening_worker_claims_a_job_enqueued_elsewhere(
    no_polling: None, run_worker: Callable[..., Worker]
) -> None:
    worker = run_worker()
    wait_for(lambda: worker.listening)
    # Only a notification may wake it now, as for an enqueue made by another process.
    unsubscribe(worker.wakeup)
    job = job_enqueue(job_type="noop")
    wait_for(lambda: completed(job))


@committed
@postgresql_only
def test_the_worker_listens_again_after_its_connections_are_terminated(
    no_polling: None, run_worker: Callable[..., Worker]
) -> None:
    worker = run_worker(worker_id="w-reconnect")
    wait_for(lambda: worker.listening)
    unsubscribe(worker.wakeup)
    assert worker.listener is not None
    # What a server restart does to its clients (the shared server on this machine must not be
    # restarted): terminate every backend of the test database but this test's own, the worker's
    # listening connection (found by its application_name) among them.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_name, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        terminated = [name for name, _ in cursor.fetchall()]
    assert "leora-listen w-reconnect" in terminated
    wait_for(lambda: worker.listener is not None and worker.listener.connects >= 2 and worker.listening)
    job = job_enqueue(job_type="noop")
    wait_for(lambda: completed(job))


# ------------------------------------------------------------------------- any database, no NOTIFY


@pytest.fixture
def without_listen(settings: Any) -> None:
    """On PostgreSQL too, a worker that cannot LISTEN (as on SQLite)."""
    settings.JOB_LISTEN = False


@committed
def test_an_enqueue_in_the_workers_process_wakes_it(
    no_polling: None, without_listen: None, run_worker: Callable[..., Worker]
) -> None:
    worker = run_worker()
    assert not worker.listening
    job = job_enqueue(job_type="noop")
    wait_for(lambda: completed(job))


@committed
def test_an_enqueue_wakes_the_worker_only_once_it_commits(
    no_polling: None, without_listen: None, run_worker: Callable[..., Worker]
) -> None:
    worker = run_worker()
    generation = worker.wakeup.generation
    with transaction.atomic():
        job = job_enqueue(job_type="noop")
        assert worker.wakeup.generation == generation
    wait_for(lambda: completed(job))


@committed
def test_an_idle_worker_wakes_for_the_earliest_run_after(
    no_polling: None, without_listen: None, run_worker: Callable[..., Worker]
) -> None:
    worker = run_worker()
    run_after = timezone.now() + timedelta(seconds=0.5)
    job = job_enqueue(job_type="noop", run_after=run_after)
    wait_for(lambda: completed(job))
    started_at = Job.objects.get(pk=job.pk).started_at
    assert started_at is not None and started_at >= run_after
    assert worker.stats.succeeded == 1


@committed
def test_a_worker_with_several_threads_runs_jobs_enqueued_while_they_idle(
    no_polling: None, without_listen: None, run_worker: Callable[..., Worker]
) -> None:
    run_worker(concurrency=3, batch_size=1)
    jobs = [job_enqueue(job_type="noop") for _ in range(5)]
    wait_for(lambda: all(completed(job) for job in jobs))


@pytest.mark.django_db
def test_another_tenants_job_answers_404(world: World, api_as: Any) -> None:
    job = job_enqueue(job_type="noop", tenant=world.other)
    assert api_as(world.admin).get(f"/api/jobs/{job.pk}").status_code == 404


# ---------------------------------------------------------------------------------- unit level


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_idle_poll_stays_short_for_a_while_after_work() -> None:
    clock = Clock()
    poll = IdlePoll(minimum=0.01, ceiling=1.0, hot=1.0, clock=clock)
    poll.worked()
    for _ in range(5):
        clock.now += 0.1
        poll.idled()
    assert poll.interval == 0.01


def test_the_idle_poll_doubles_once_idle_up_to_its_ceiling() -> None:
    clock = Clock()
    poll = IdlePoll(minimum=0.01, ceiling=0.05, hot=1.0, clock=clock)
    poll.worked()
    clock.now += 2.0
    waits = []
    for _ in range(4):
        poll.idled()
        waits.append(poll.interval)
    assert waits == [0.02, 0.04, 0.05, 0.05]


def test_the_idle_poll_is_short_again_right_after_work() -> None:
    clock = Clock()
    poll = IdlePoll(minimum=0.01, ceiling=1.0, hot=1.0, clock=clock)
    clock.now += 10.0
    for _ in range(10):
        poll.idled()
    poll.worked()
    assert poll.interval == 0.01


def test_a_wake_before_the_wait_is_not_lost() -> None:
    wakeup = Wakeup()
    seen = wakeup.generation
    wakeup.wake()  # arrives between "nothing to claim" and the wait
    assert wakeup.wait(seen, timeout=HOUR) is True
