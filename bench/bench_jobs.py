"""Job queue benchmark: drain 20,000 ``noop`` jobs with 1, 2 and 4 worker processes; the wait before a
job starts; what an idle worker costs the database.

Leora's queue on SQLite and PostgreSQL, and in the same run Procrastinate (PostgreSQL, worker
concurrency 1 and 10) and django-tasks-db (both databases) with the same job count, all in throwaway
databases (a temporary SQLite file, a PostgreSQL database created and dropped here), never
var/leora.sqlite3.

- jobs/s: jobs completed divided by the time from the first job started to the last one finished,
  read from the queue's own timestamps (process start-up is not counted).
- Wall s: from starting the worker processes to the last one exiting (includes Django start-up).
- trickle latency p50/p95: enqueue-to-start of 300 jobs enqueued one by one, one every 20 ms, while
  one or two idle workers wait: the latency an application sees. Leora's workers run with the default
  settings (``leora worker``, what users run).
- run_after lateness p50/p95: 40 jobs enqueued at once with run_after spread over the next 1-5 s;
  how long after its run_after each one started.
- idle cost: the statements per minute an idle ``leora worker`` (default settings, schedule on) sends,
  counted by the worker itself (its ``event=worker.alive`` log line), over its second and later minutes.

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
TRICKLE_SECONDS = 6.0
SCHEDULED_JOBS = 40
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "130"))  # three "alive" lines, a minute apart
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
    settings: str = ""
    idle_qpm: float = float("nan")


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
        last = (str(exc).strip().splitlines() or ["?"])[-1]
        rows.append(Row(system, database, workers, 0, nan, nan, nan, nan, f"failed: {last[:100]}"))


LEORA_DRAIN = "burst, batch 50"
LEORA_DEFAULTS = "defaults"


def _leora_worker(burst: bool = True) -> list[str]:
    """The drain's burst worker (batches of 50), or an idle worker with the default settings."""
    command = [sys.executable, "-m", "leora.cli", "worker", "--no-schedule"]
    return [*command, "--batch-size", "50", "--burst"] if burst else command


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
    settings = LEORA_DRAIN if kind == "leora" else "batch, 0.05 s interval"
    return Row(
        system,
        database,
        workers,
        stats["count"],
        stats["rate"],
        wall,
        float("nan"),
        float("nan"),
        settings=settings,
    )


def _idle_workers(env: dict[str, str], workers: int, step: str, *args: str) -> None:
    """Start idle workers, let them settle, run the helper ``step`` (the enqueuer), stop them."""
    command = _leora_worker(burst=False)
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    try:
        time.sleep(5)  # let the workers start (Django, LISTEN) and go idle
        _helper(env, step, *args)
        time.sleep(2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def _trickle(system: str, database: str, env: dict[str, str], kind: str, workers: int = 2) -> Row:
    """Idle workers; jobs enqueued one by one, one every 20 ms; enqueue-to-start latency."""
    _helper(env, f"setup-{kind}")
    if kind == "leora":
        _idle_workers(env, workers, "enqueue-leora", str(TRICKLE_JOBS), str(TRICKLE_SECONDS))
        settings = LEORA_DEFAULTS
    else:
        processes = [
            subprocess.Popen(
                _tasks_db_worker(burst=False),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        try:
            time.sleep(5)
            _helper(env, f"enqueue-{kind}", str(TRICKLE_JOBS), str(TRICKLE_SECONDS))
            time.sleep(2)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=60)
        settings = "0.05 s interval"
    stats = _stats(env, f"stats-{kind}")
    return Row(
        system,
        database,
        workers,
        stats["count"],
        float("nan"),
        float("nan"),
        stats["p50"],
        stats["p95"],
        "trickle",
        settings,
    )


def _scheduled(database: str, env: dict[str, str]) -> Row:
    """One idle worker; jobs whose run_after is 1-5 s away; how late after run_after each started."""
    _helper(env, "setup-leora")
    _idle_workers(env, 1, "enqueue-leora-scheduled", str(SCHEDULED_JOBS))
    stats = _stats(env, "stats-leora-scheduled")
    return Row(
        "Leora",
        database,
        1,
        stats["count"],
        float("nan"),
        float("nan"),
        stats["p50"],
        stats["p95"],
        "run_after",
        LEORA_DEFAULTS,
    )


class IdleCost:
    """Idle ``leora worker`` processes (default settings, schedule on), started now, measured later."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.workers = workers
        self.started = time.monotonic()
        # Closed in stop(), once read.
        self.logs = [tempfile.TemporaryFile() for _ in range(workers)]  # noqa: SIM115
        command = [sys.executable, "-m", "leora.cli", "worker"]
        self.processes = [
            subprocess.Popen(
                command, cwd=ROOT, env={**env, "LOG_LEVEL": "INFO"}, stdout=subprocess.DEVNULL, stderr=log
            )
            for log in self.logs
        ]

    def stop(self) -> Row:
        """Wait until they have idled IDLE_SECONDS, stop them; the row: statements per minute per worker."""
        try:
            time.sleep(max(0.0, IDLE_SECONDS - (time.monotonic() - self.started)))
        finally:
            for process in self.processes:
                process.terminate()
            for process in self.processes:
                process.wait(timeout=60)
        rates = []
        for log in self.logs:
            log.seek(0)
            alive = [
                (_log_time(line), int(line.rsplit("queries=", 1)[1].split()[0]))
                for line in log.read().decode(errors="replace").splitlines()
                if "event=worker.alive" in line
            ]
            log.close()
            if len(alive) >= 3:
                # From the second line on: the steady state, start-up (migrations check, LISTEN) left out.
                (t0, q0), (t1, q1) = alive[1], alive[-1]
                rates.append((q1 - q0) / max(1e-6, t1 - t0) * 60)
        if not rates:
            raise RuntimeError("the idle workers logged fewer than three event=worker.alive lines")
        row = Row(
            "Leora",
            "PostgreSQL",
            self.workers,
            0,
            float("nan"),
            float("nan"),
            float("nan"),
            float("nan"),
            "idle",
            "defaults, schedule on",
        )
        row.idle_qpm = sum(rates) / len(rates)
        return row


def _log_time(line: str) -> float:
    from datetime import datetime

    stamp = " ".join(line.split()[:2])
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()


# ---------------------------------------------------------------------------------------- Procrastinate


def _pg_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _procrastinate(dsn: str, workers: int, concurrency: int) -> Row:
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
        str(concurrency),
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
        "Procrastinate",
        "PostgreSQL",
        workers,
        len(done),
        len(done) / span,
        wall,
        float("nan"),
        float("nan"),
        settings=f"concurrency {concurrency}",
    )


def _procrastinate_trickle(dsn: str, concurrency: int, workers: int = 2) -> Row:
    env = {**os.environ, "BENCH_PROCRASTINATE_DSN": dsn}
    command = [
        sys.executable,
        "-m",
        "procrastinate",
        "--app",
        "bench.jobs_procrastinate.app",
        "worker",
        "--concurrency",
        str(concurrency),
    ]
    with _pg_connect(dsn) as conn:
        conn.execute("TRUNCATE procrastinate_jobs CASCADE")
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    try:
        time.sleep(5)
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
    return Row(
        "Procrastinate",
        "PostgreSQL",
        workers,
        len(waits),
        float("nan"),
        float("nan"),
        p50,
        p95,
        "trickle",
        f"concurrency {concurrency}",
    )


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


MEASURED = {
    "": "drain",
    "trickle": "trickle latency",
    "run_after": "run_after lateness",
    "idle": "idle cost",
}


def _table(rows: list[Row], load: str) -> str:
    def num(value: float, fmt: str) -> str:
        return "—" if value != value else format(value, fmt)

    lines = [
        f"### Job queue: drain {JOBS:,} noop jobs (worker processes), enqueue-to-start latency, idle cost",
        "",
        f"Measured on a busy machine: {os.cpu_count()} cores shared with other people's test runs "
        f"({load}); compare the rows of this run with each other, not with an earlier run.",
        "",
        "| System | Database | Settings | Workers | Jobs done | Jobs/s | Wall s | Latency p50 ms "
        "| Latency p95 ms | Idle queries/min per worker | Measured |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        measured = MEASURED.get(r.note, r.note)
        lines.append(
            f"| {r.system} | {r.database} | {r.settings or '—'} | {r.workers} | {r.jobs:,} | "
            f"{num(r.rate, ',.0f')} | {num(r.wall, '.1f')} | {num(r.p50 * 1000, ',.1f')} | "
            f"{num(r.p95 * 1000, ',.1f')} | {num(r.idle_qpm, '.1f')} | {measured} |"
        )
    leora_pg = {
        r.workers: r.rate for r in rows if r.system == "Leora" and r.database == "PostgreSQL" and not r.note
    }
    procrastinate = {
        (r.settings, r.workers): r.rate for r in rows if r.system == "Procrastinate" and not r.note
    }
    if 2 in leora_pg:
        verdict = "meets" if leora_pg[2] >= 2000 else "misses"
        lines += [
            "",
            f"Leora, PostgreSQL, 2 workers: {leora_pg[2]:,.0f} jobs/s ({verdict} the 2,000 jobs/s target).",
        ]
        for (settings, workers), rate in sorted(procrastinate.items()):
            if workers == 2 and rate == rate and rate > 0:
                lines.append(
                    f"Leora vs Procrastinate ({settings}), PostgreSQL, 2 workers: {leora_pg[2] / rate:.1f}x."
                )
    for r in rows:
        if r.system == "Leora" and r.database == "PostgreSQL" and r.note == "trickle":
            ok = r.p50 <= 0.003 and r.p95 <= 0.010
            lines.append(
                f"Leora trickle, PostgreSQL, {r.workers} worker(s), default settings: "
                f"p50 {r.p50 * 1000:.1f} ms, p95 {r.p95 * 1000:.1f} ms "
                f"({'meets' if ok else 'misses'} the 3 ms / 10 ms target)."
            )
        if r.note == "idle":
            verdict = "meets" if r.idle_qpm <= 12 else "misses"
            lines.append(
                f"Idle Leora worker, PostgreSQL: {r.idle_qpm:.1f} statements per minute ({verdict} the 12 "
                "per minute target)."
            )
    lines += [
        "",
        "Settings: Leora's drain workers run `leora worker --burst --batch-size 50` (1 thread); every other "
        "Leora row runs `leora worker` with its default settings (1 thread, batches of 10, LISTEN/NOTIFY on "
        "PostgreSQL; on SQLite, where the enqueuer is another process, adaptive polling: every 10 ms for "
        "a second after a job, then doubling up to 1 s). "
        "Procrastinate: its worker with `--concurrency 1` and `--concurrency 10` (its documented way to "
        "raise throughput), LISTEN/NOTIFY; django-tasks-db: its db_worker (one task at a time, 0.05 s "
        "interval). Latency comes from the trickle rows (a drain's queue wait only measures its backlog). "
        "Idle cost: every statement an idle worker sends (lease recovery every 30 s, the safety-net poll "
        "every 30 s, its 'last seen' once a minute, the schedule once a minute; its LISTEN connection "
        "waits without sending any), counted by the worker, averaged over the workers measured.",
    ]
    return "\n".join(lines)


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load unknown"
    return f"load average {one:.1f} at the end, {five:.1f} over five minutes"


def run() -> str:
    """Run every scenario; return the Markdown table."""
    rows: list[Row] = []
    tasks_db = _has("django_tasks_db") and SYSTEMS != "leora"
    pg_url = _pg_url()
    idle: IdleCost | None = None
    if pg_url:
        # The idle workers wait on PostgreSQL while the SQLite rows run (they cost no CPU to speak of).
        try:
            _helper(_env(pg_url), "setup-leora")
            idle = IdleCost(_env(pg_url))
        except RuntimeError as exc:
            print(f"idle cost not measured: {exc}", file=sys.stderr)
    try:
        with tempfile.TemporaryDirectory(prefix="leora-bench-jobs-") as tmp:
            sqlite_url = f"sqlite:///{tmp}/bench.sqlite3"
            env = _env(sqlite_url)
            for workers in LEORA_WORKERS:
                _attempt(
                    rows,
                    "Leora",
                    "SQLite",
                    workers,
                    lambda w=workers: _drain("Leora", "SQLite", env, w, "leora"),
                )
            for workers in (1, 2):
                _attempt(
                    rows,
                    "Leora",
                    "SQLite",
                    workers,
                    lambda w=workers: _trickle("Leora", "SQLite", env, "leora", w),
                )
            _attempt(rows, "Leora", "SQLite", 1, lambda: _scheduled("SQLite", env))
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
        if idle is not None:
            _attempt(rows, "Leora", "PostgreSQL", idle.workers, idle.stop)
        if pg_url:
            env = _env(pg_url)
            for workers in LEORA_WORKERS:
                _attempt(
                    rows,
                    "Leora",
                    "PostgreSQL",
                    workers,
                    lambda w=workers: _drain("Leora", "PostgreSQL", env, w, "leora"),
                )
            for workers in (1, 2):
                _attempt(
                    rows,
                    "Leora",
                    "PostgreSQL",
                    workers,
                    lambda w=workers: _trickle("Leora", "PostgreSQL", env, "leora", w),
                )
            _attempt(rows, "Leora", "PostgreSQL", 1, lambda: _scheduled("PostgreSQL", env))
            if _has("procrastinate") and SYSTEMS != "leora":
                for concurrency in (1, 10):
                    for workers in COMPETITOR_WORKERS:
                        _attempt(
                            rows,
                            "Procrastinate",
                            "PostgreSQL",
                            workers,
                            lambda w=workers, c=concurrency: _procrastinate(pg_url, w, c),
                        )
                    _attempt(
                        rows,
                        "Procrastinate",
                        "PostgreSQL",
                        2,
                        lambda c=concurrency: _procrastinate_trickle(pg_url, c),
                    )
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
        if idle is not None and any(p.poll() is None for p in idle.processes):
            for process in idle.processes:
                process.kill()
        if pg_url:
            _drop_pg()
    return _table(rows, _load())


if __name__ == "__main__":
    print(run())
