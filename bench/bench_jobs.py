"""Job queue benchmark: drain 20,000 ``noop`` jobs with 1, 2 and 4 worker processes.

Leora's queue on SQLite and PostgreSQL, and in the same run Procrastinate (PostgreSQL) and
django-tasks-db (both databases) with the same job count, all in throwaway databases (a temporary
SQLite file, a PostgreSQL database created and dropped here), never var/leora.sqlite3.

- jobs/s: jobs completed divided by the time from the first job started to the last one finished,
  read from the queue's own timestamps (process start-up is not counted).
- Wall s: from starting the worker processes to the last one exiting (includes Django start-up).
- trickle latency p50/p95: enqueue-to-start of 300 jobs enqueued one by one over 3 s while two
  idle workers wait: the latency an application sees.

Environment: BENCH_JOBS (default 20000), BENCH_PG_ADMIN_URL (default
postgres://postgres@127.0.0.1:5432/postgres), BENCH_COMPETITOR_WORKERS (default "2"),
BENCH_JOBS_SYSTEMS ("leora" for Leora's rows only).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
JOBS = int(os.environ.get("BENCH_JOBS", "20000"))
LEORA_WORKERS = (1, 2, 4)
COMPETITOR_WORKERS = tuple(int(n) for n in os.environ.get("BENCH_COMPETITOR_WORKERS", "2").split(","))
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "leora_bench_jobs"
# "leora" runs only Leora's rows (a quick re-measure); anything else runs every system.
SYSTEMS = os.environ.get("BENCH_JOBS_SYSTEMS", "all")
TRICKLE_JOBS = 300
TRICKLE_SECONDS = 3.0
TIMEOUT = 1800


@dataclass
class Row:
    system: str
    database: str
    workers: int
    jobs: int
    rate: float
    wall: float
    p50: float
    p95: float
    note: str = ""


def _env(database_url: str, settings: str = "leora.settings", **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _helper(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.jobs_helper", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.jobs_helper {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _run_workers(commands: list[list[str]], env: dict[str, str]) -> float:
    started = time.monotonic()
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for command in commands
    ]
    try:
        for process in processes:
            remaining = max(1.0, TIMEOUT - (time.monotonic() - started))
            _, err = process.communicate(timeout=remaining)
            if process.returncode != 0:
                raise RuntimeError(f"worker failed ({process.returncode}):\n{err.decode()[-3000:]}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return time.monotonic() - started


def _attempt(rows: list[Row], system: str, database: str, workers: int, scenario: Any) -> None:
    """Run one scenario; a failure or overrun becomes a row saying so instead of ending the run."""
    try:
        rows.append(scenario())
    except (RuntimeError, subprocess.SubprocessError) as exc:
        print(f"{system} on {database} with {workers} workers: {exc}", file=sys.stderr)
        nan = float("nan")
        rows.append(Row(system, database, workers, 0, nan, nan, nan, nan, f"failed: {str(exc)[:80]}"))


def _leora_worker(batch: int = 50, burst: bool = True) -> list[str]:
    command = [sys.executable, "-m", "leora.cli", "worker", "--no-schedule", "--batch-size", str(batch)]
    return [*command, "--burst"] if burst else [*command, "--poll-interval", "0.05"]


def _tasks_db_worker(burst: bool = True) -> list[str]:
    command = [sys.executable, "-m", "leora.cli", "db_worker", "--no-startup-delay", "--interval", "0.05"]
    return [*command, "--batch"] if burst else command


def _stats(env: dict[str, str], step: str) -> dict[str, Any]:
    return json.loads(_helper(env, step).strip().splitlines()[-1])


def _drain(system: str, database: str, env: dict[str, str], workers: int, kind: str) -> Row:
    _helper(env, f"setup-{kind}")
    _helper(env, f"enqueue-{kind}", str(JOBS))
    command = _leora_worker() if kind == "leora" else _tasks_db_worker()
    wall = _run_workers([command] * workers, env)
    stats = _stats(env, f"stats-{kind}")
    return Row(system, database, workers, stats["count"], stats["rate"], wall, float("nan"), float("nan"))


def _trickle(system: str, database: str, env: dict[str, str], kind: str) -> Row:
    """Two idle workers; jobs enqueued one by one; enqueue-to-start latency."""
    _helper(env, f"setup-{kind}")
    command = _leora_worker(burst=False) if kind == "leora" else _tasks_db_worker(burst=False)
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        time.sleep(4)  # let both workers start and settle into polling
        _helper(env, f"enqueue-{kind}", str(TRICKLE_JOBS), str(TRICKLE_SECONDS))
        time.sleep(2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    stats = _stats(env, f"stats-{kind}")
    return Row(
        system, database, 2, stats["count"], float("nan"), float("nan"), stats["p50"], stats["p95"], "trickle"
    )


# ---------------------------------------------------------------------------------------- Procrastinate


def _pg_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _procrastinate(dsn: str, workers: int) -> Row:
    env = {**os.environ, "BENCH_PROCRASTINATE_DSN": dsn}
    app = "bench.jobs_procrastinate.app"
    with _pg_connect(dsn) as conn:
        exists = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()[0]
    if not exists:
        subprocess.run(
            [sys.executable, "-m", "procrastinate", "--app", app, "schema", "--apply"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
    with _pg_connect(dsn) as conn:
        conn.execute("TRUNCATE procrastinate_jobs CASCADE")
        # Procrastinate's own defer inserts one row per statement; a single INSERT ... SELECT fires
        # the same triggers (the "deferred" event) for every row and keeps set-up short.
        conn.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status) "
            "SELECT 'default', 'noop', '{}'::jsonb, 'todo' FROM generate_series(1, %s)",
            [JOBS],
        )
        conn.execute("ANALYZE procrastinate_jobs")
    command = [
        sys.executable,
        "-m",
        "procrastinate",
        "--app",
        app,
        "worker",
        "--one-shot",
        "--concurrency",
        "1",
    ]
    wall = _run_workers([command] * workers, env)
    with _pg_connect(dsn) as conn:
        rows = conn.execute(
            """
            SELECT j.id,
                   max(e.at) FILTER (WHERE e.type = 'deferred'),
                   max(e.at) FILTER (WHERE e.type = 'started'),
                   max(e.at) FILTER (WHERE e.type = 'succeeded')
            FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id
            GROUP BY j.id
            """
        ).fetchall()
    done = [(d, s, f) for _, d, s, f in rows if s is not None and f is not None]
    span = max(1e-6, (max(f for *_, f in done) - min(s for _, s, _ in done)).total_seconds())
    return Row(
        "Procrastinate", "PostgreSQL", workers, len(done), len(done) / span, wall, float("nan"), float("nan")
    )


def _procrastinate_trickle(dsn: str) -> Row:
    env = {**os.environ, "BENCH_PROCRASTINATE_DSN": dsn}
    command = [sys.executable, "-m", "procrastinate", "--app", "bench.jobs_procrastinate.app", "worker"]
    with _pg_connect(dsn) as conn:
        conn.execute("TRUNCATE procrastinate_jobs CASCADE")
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        time.sleep(4)
        with _pg_connect(dsn) as conn:
            for _ in range(TRICKLE_JOBS):
                conn.execute(
                    "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status) "
                    "VALUES ('default', 'noop', '{}'::jsonb, 'todo')"
                )
                time.sleep(TRICKLE_SECONDS / TRICKLE_JOBS)
        time.sleep(2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    with _pg_connect(dsn) as conn:
        waits = sorted(
            row[0]
            for row in conn.execute(
                """
                SELECT extract(epoch FROM max(e.at) FILTER (WHERE e.type = 'started')
                                        - max(e.at) FILTER (WHERE e.type = 'deferred'))
                FROM procrastinate_events e GROUP BY e.job_id
                HAVING max(e.at) FILTER (WHERE e.type = 'started') IS NOT NULL
                """
            ).fetchall()
        )
    p50 = float(waits[len(waits) // 2]) if waits else float("nan")
    p95 = float(waits[min(len(waits) - 1, int(0.95 * len(waits)))]) if waits else float("nan")
    return Row("Procrastinate", "PostgreSQL", 2, len(waits), float("nan"), float("nan"), p50, p95, "trickle")


# ------------------------------------------------------------------------------------------------- run


def _pg_url() -> str | None:
    try:
        with _pg_connect(PG_ADMIN_URL) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as exc:
        print(f"PostgreSQL unavailable, skipping its rows: {exc}", file=sys.stderr)
        return None
    parts = urlsplit(PG_ADMIN_URL)
    return urlunsplit(parts._replace(path=f"/{PG_DATABASE}"))


def _drop_pg() -> None:
    with _pg_connect(PG_ADMIN_URL) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _table(rows: list[Row]) -> str:
    def num(value: float, fmt: str) -> str:
        return "—" if value != value else format(value, fmt)

    lines = [
        f"### Job queue: drain {JOBS:,} noop jobs (worker processes), and enqueue-to-start latency",
        "",
        "| System | Database | Workers | Jobs done | Jobs/s | Wall s | Latency p50 ms | Latency p95 ms "
        "| Measured |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.system} | {r.database} | {r.workers} | {r.jobs:,} | {num(r.rate, ',.0f')} | "
            f"{num(r.wall, '.1f')} | {num(r.p50 * 1000, ',.0f')} | {num(r.p95 * 1000, ',.0f')} | "
            f"{'trickle latency' if r.note == 'trickle' else r.note or 'drain'} |"
        )
    leora_pg = {
        r.workers: r.rate for r in rows if r.system == "Leora" and r.database == "PostgreSQL" and not r.note
    }
    procrastinate = {r.workers: r.rate for r in rows if r.system == "Procrastinate" and not r.note}
    if 2 in leora_pg:
        verdict = "meets" if leora_pg[2] >= 2000 else "misses"
        lines += [
            "",
            f"Leora, PostgreSQL, 2 workers: {leora_pg[2]:,.0f} jobs/s ({verdict} the 2,000 jobs/s target).",
        ]
    if 2 in leora_pg and 2 in procrastinate:
        lines += [
            "",
            f"Leora vs Procrastinate, PostgreSQL, 2 workers: {leora_pg[2] / procrastinate[2]:.1f}x.",
        ]
    lines += [
        "",
        f"Machine: {os.cpu_count()} cores, shared with other work while measured. Leora workers: 1 thread, "
        "batches of 50, polling every 0.05 s in the trickle; Procrastinate: concurrency 1 per worker, "
        "LISTEN/NOTIFY; django-tasks-db: its db_worker (one task at a time, 0.05 s interval). Latency "
        "comes from the trickle rows (a drain's queue wait only measures its backlog).",
    ]
    return "\n".join(lines)


def run() -> str:
    """Run every scenario; return the Markdown table."""
    rows: list[Row] = []
    tasks_db = _has("django_tasks_db") and SYSTEMS != "leora"
    with tempfile.TemporaryDirectory(prefix="leora-bench-jobs-") as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.sqlite3"
        env = _env(sqlite_url)
        for workers in LEORA_WORKERS:
            _attempt(
                rows, "Leora", "SQLite", workers, lambda w=workers: _drain("Leora", "SQLite", env, w, "leora")
            )
        _attempt(rows, "Leora", "SQLite", 2, lambda: _trickle("Leora", "SQLite", env, "leora"))
        if tasks_db:
            env_db = _env(sqlite_url, "bench.jobs_tasks_db_settings")
            for workers in COMPETITOR_WORKERS:
                _attempt(
                    rows,
                    "django-tasks-db",
                    "SQLite",
                    workers,
                    lambda w=workers: _drain("django-tasks-db", "SQLite", env_db, w, "tasksdb"),
                )
            _attempt(
                rows,
                "django-tasks-db",
                "SQLite",
                2,
                lambda: _trickle("django-tasks-db", "SQLite", env_db, "tasksdb"),
            )
    pg_url = _pg_url()
    if pg_url:
        try:
            env = _env(pg_url)
            for workers in LEORA_WORKERS:
                _attempt(
                    rows,
                    "Leora",
                    "PostgreSQL",
                    workers,
                    lambda w=workers: _drain("Leora", "PostgreSQL", env, w, "leora"),
                )
            _attempt(rows, "Leora", "PostgreSQL", 2, lambda: _trickle("Leora", "PostgreSQL", env, "leora"))
            if _has("procrastinate") and SYSTEMS != "leora":
                for workers in COMPETITOR_WORKERS:
                    _attempt(
                        rows,
                        "Procrastinate",
                        "PostgreSQL",
                        workers,
                        lambda w=workers: _procrastinate(pg_url, w),
                    )
                _attempt(rows, "Procrastinate", "PostgreSQL", 2, lambda: _procrastinate_trickle(pg_url))
            if tasks_db:
                env_db = _env(pg_url, "bench.jobs_tasks_db_settings")
                for workers in COMPETITOR_WORKERS:
                    _attempt(
                        rows,
                        "django-tasks-db",
                        "PostgreSQL",
                        workers,
                        lambda w=workers: _drain("django-tasks-db", "PostgreSQL", env_db, w, "tasksdb"),
                    )
                _attempt(
                    rows,
                    "django-tasks-db",
                    "PostgreSQL",
                    2,
                    lambda: _trickle("django-tasks-db", "PostgreSQL", env_db, "tasksdb"),
                )
        finally:
            _drop_pg()
    return _table(rows)


if __name__ == "__main__":
    print(run())
