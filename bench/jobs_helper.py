"""Steps of the job queue benchmark that run inside Django, one subprocess each (own DATABASE_URL).

``python -m bench.jobs_helper <step> [n]``: ``setup-leora``, ``enqueue-leora N [seconds]``,
``stats-leora``, ``enqueue-leora-scheduled N``, ``stats-leora-scheduled``, ``setup-tasksdb``,
``enqueue-tasksdb N [seconds]``, ``stats-tasksdb``; stats print one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import datetime
from typing import Any


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _stats(rows: list[tuple[datetime, datetime | None, datetime | None]]) -> dict[str, Any]:
    done = [(c, s, f) for c, s, f in rows if s is not None and f is not None]
    if not done:
        return {"count": 0}
    first_start = min(s for _, s, _ in done)
    last_finish = max(f for _, _, f in done)
    waits = [(s - c).total_seconds() for c, s, _ in done]
    span = max(1e-6, (last_finish - first_start).total_seconds())
    return {
        "count": len(done),
        "span": span,
        "rate": len(done) / span,
        "p50": statistics.median(waits),
        "p95": _percentile(waits, 0.95),
    }


def _analyze(table: str) -> None:
    from django.db import connection

    # Fresh planner statistics, as autovacuum would have them shortly after a bulk insert.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def main() -> None:
    step = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    spread = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if step == "setup-leora":
        call_command("migrate", verbosity=0)
        from leora.jobs.models import Job, ScheduleRun, WorkerHeartbeat

        ScheduleRun.objects.all()._raw_delete(ScheduleRun.objects.db)
        Job.objects.all()._raw_delete(Job.objects.db)
        WorkerHeartbeat.objects.all().delete()
    elif step == "enqueue-leora":
        from leora.jobs.queue import job_enqueue, job_enqueue_many

        if spread:
            # A steady trickle: one job at a time, as an application would enqueue them.
            for _ in range(n):
                job_enqueue(job_type="noop")
                time.sleep(spread / n)
        else:
            job_enqueue_many(job_type="noop", payloads=[{}] * n, batch_size=2000)
            _analyze("jobs_job")
    elif step == "enqueue-leora-scheduled":
        from datetime import timedelta

        from django.utils import timezone

        from leora.jobs.queue import job_enqueue

        # run_after spread evenly over 1-5 s from now: the worker must wake for each one.
        now = timezone.now()
        for i in range(n):
            job_enqueue(job_type="noop", run_after=now + timedelta(seconds=1 + 4 * i / max(1, n - 1)))
        time.sleep(6)
    elif step == "stats-leora-scheduled":
        from leora.jobs.models import Job

        late = [
            (started - run_after).total_seconds()
            for run_after, started in Job.objects.values_list("run_after", "started_at")
            if started is not None
        ]
        print(
            json.dumps(
                {
                    "count": len(late),
                    "p50": statistics.median(late) if late else float("nan"),
                    "p95": _percentile(late, 0.95),
                }
            )
        )
    elif step == "stats-leora":
        from leora.jobs.models import Job

        rows = list(Job.objects.values_list("created_at", "started_at", "finished_at"))
        print(json.dumps(_stats(rows)))
    elif step == "setup-tasksdb":
        call_command("migrate", verbosity=0)
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all()._raw_delete(DBTaskResult.objects.db)
    elif step == "enqueue-tasksdb":
        from bench.jobs_tasks import noop

        if spread:
            for _ in range(n):
                noop.enqueue()
                time.sleep(spread / n)
        else:
            from django.utils import timezone
            from django_tasks_db.models import DBTaskResult, get_date_max

            now = timezone.now()
            DBTaskResult.objects.bulk_create(
                [
                    DBTaskResult(
                        args_kwargs={"args": [], "kwargs": {}},
                        task_path=noop.module_path,
                        backend_name="default",
                        run_after=get_date_max(),
                        enqueued_at=now,
                    )
                    for _ in range(n)
                ],
                batch_size=2000,
            )
            _analyze(DBTaskResult._meta.db_table)
    elif step == "stats-tasksdb":
        from django_tasks_db.models import DBTaskResult

        rows = list(DBTaskResult.objects.values_list("enqueued_at", "started_at", "finished_at"))
        print(json.dumps(_stats(rows)))
    else:
        raise SystemExit(f"unknown step {step!r}")


if __name__ == "__main__":
    main()
