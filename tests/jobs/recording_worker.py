"""``python -m tests.jobs.recording_worker worker ...``: the real worker command plus test-only job types.

``record_execution`` inserts its job id into ``jobs_test_execution`` (primary key on the id), so a
job that ran twice would fail with an integrity error and show up in the test's counts. With a
``barrier`` of N, each worker thread's first job waits until N workers have recorded one, so every
worker process takes part however late the machine lets it start.

``gate`` runs until the file named in its payload exists: the test decides when the job may finish
instead of guessing how long a handler takes.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection
from pydantic import Field

# Only modules that load without the app registry: main() sets Django up before anything else.
from leora.jobs.registry import Payload, register, unregister

if TYPE_CHECKING:
    from leora.jobs.context import JobContext

TABLE = "jobs_test_execution"
INSERT = "INSERT INTO jobs_test_execution (job_id, worker) VALUES (%s, %s)"
COUNT = "SELECT COUNT(*), COUNT(DISTINCT job_id) FROM jobs_test_execution"
WORKERS = "SELECT COUNT(DISTINCT worker) FROM jobs_test_execution"
BARRIER_DEADLINE_SECONDS = 120.0
POLL_SECONDS = 0.02

_barrier_passed = threading.local()


class RecordPayload(Payload):
    barrier: int = Field(0, ge=0, description="wait until this many workers have recorded a job")


class GatePayload(Payload):
    path: str


def record_execution(ctx: JobContext, payload: RecordPayload) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One fsync per recorded row would dominate the test's run time; the queue's own writes
            # keep the server's durability setting.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(INSERT, [str(ctx.job.pk), ctx.worker_id])
    if payload.barrier and not getattr(_barrier_passed, "done", False):
        _wait_for_workers(payload.barrier)
        _barrier_passed.done = True


def _wait_for_workers(count: int) -> None:
    # Past the deadline the job goes on anyway: the test then names the worker that never took part.
    deadline = time.monotonic() + BARRIER_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(WORKERS)
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(POLL_SECONDS)


def gate(ctx: JobContext, payload: GatePayload) -> dict[str, int]:
    ctx.progress(1, "waiting for the gate")
    while not Path(payload.path).exists():
        ctx.check_cancel()  # also ends the job past its timeout if the test never opens the gate
        time.sleep(POLL_SECONDS)
    return {"attempt": ctx.attempt}


def register_recorder() -> None:
    register("record_execution", schema=RecordPayload)(record_execution)
    register("gate", schema=GatePayload)(gate)


def unregister_recorder() -> None:
    unregister("record_execution")
    unregister("gate")


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (job_id VARCHAR(36) PRIMARY KEY, worker VARCHAR(120))"
        )


def drop_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    import django

    django.setup()
    register_recorder()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["leora", *sys.argv[1:]])


if __name__ == "__main__":
    main()
