"""The enrichment benchmark's table (``make bench`` runs it at scale)."""

from __future__ import annotations

from bench import bench_enrichment


def test_the_benchmark_reports_each_database_and_a_failed_one() -> None:
    runs = [{"s": 0.1, "changed": 30, "processed": 500}, {"s": 0.05, "changed": 0, "processed": 500}]
    figures = {"customers": 500, "scored": 440, "tenant_s": 5.0, "single_ms": 40.0, "types": runs}

    table = bench_enrichment.report(500, [("SQLite", figures), ("PostgreSQL", {"error": "no server"})])

    assert "| SQLite | 500 | 440 | 5.0 | 100 | 40 | 0.10 | 30 | 0.05 | 0 |" in table
    assert "| PostgreSQL | failed: no server |" in table
