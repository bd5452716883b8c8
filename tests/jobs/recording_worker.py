"""``python -m tests.jobs.recording_worker worker ...``: the real worker command plus one extra job type.

``record_execution`` inserts its job id into ``jobs_test_execution`` (primary key on the id), so a
job that ran twice would fail with an integrity error and show up in the test's counts.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from django.db import connection

# Only modules that load without the app registry: main() sets Django up before anything else.
from leora.jobs.registry import Payload, register

if TYPE_CHECKING:
    from leora.jobs.context import JobContext

TABLE = "jobs_test_execution"
INSERT = "INSERT INTO jobs_test_execution (job_id, worker) VALUES (%s, %s)"
COUNT = "SELECT COUNT(*), COUNT(DISTINCT job_id) FROM jobs_test_execution"


class RecordPayload(Payload):
    pass


def record_execution(ctx: JobContext, payload: RecordPayload) -> None:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One fsync per recorded row would dominate the test's run time; the queue's own writes
            # keep the server's durability setting.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(INSERT, [str(ctx.job.pk), ctx.worker_id])


def register_recorder() -> None:
    register("record_execution", schema=RecordPayload)(record_execution)


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
