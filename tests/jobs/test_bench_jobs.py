"""Smoke test of the job queue benchmark's report (the benchmark itself runs in ``make bench``)."""

from __future__ import annotations

from bench import bench_jobs
from bench.bench_jobs import Row

NAN = float("nan")


def test_the_report_names_each_rows_settings_and_checks_the_targets() -> None:
    idle = Row("Leora", "PostgreSQL", 2, 0, NAN, NAN, NAN, NAN, "idle", "defaults, schedule on")
    idle.idle_qpm = 6.5
    rows = [
        Row("Leora", "PostgreSQL", 2, 20000, 7000.0, 4.0, NAN, NAN, settings=bench_jobs.LEORA_DRAIN),
        Row("Leora", "PostgreSQL", 1, 300, NAN, NAN, 0.002, 0.008, "trickle", bench_jobs.LEORA_DEFAULTS),
        Row("Procrastinate", "PostgreSQL", 2, 20000, 700.0, 30.0, NAN, NAN, settings="concurrency 10"),
        idle,
    ]
    table = bench_jobs._table(rows, "load average 3.0")
    assert "| Procrastinate | PostgreSQL | concurrency 10 | 2 | 20,000 | 700 |" in table
    assert "Leora vs Procrastinate (concurrency 10), PostgreSQL, 2 workers: 10.0x." in table
    assert "p50 2.0 ms, p95 8.0 ms (meets the 3 ms / 10 ms target)" in table
    assert "6.5 statements per minute (meets the 12 per minute target)" in table
    assert "busy machine" in table


def test_the_idle_cost_reads_the_workers_log_times() -> None:
    line = "2026-12-02 07:45:47,419 INFO leora.jobs.worker event=worker.alive queries=7"
    later = "2026-12-02 07:46:47,919 INFO leora.jobs.worker event=worker.alive queries=9"
    assert round(bench_jobs._log_time(later) - bench_jobs._log_time(line), 3) == 60.5
