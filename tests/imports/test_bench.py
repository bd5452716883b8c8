"""The imports benchmark runs end to end on a small file (``make bench`` runs it at 100,000 rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_imports

pytestmark = pytest.mark.django_db


def test_the_benchmark_imports_a_few_hundred_rows_from_csv_and_xlsx(tmp_path: Path) -> None:
    csv_path = bench_imports.write_csv(tmp_path / "c.csv", 300)
    xlsx_path = bench_imports.write_xlsx(tmp_path / "c.xlsx", 300)

    dry = bench_imports.measure(path=csv_path, mode="dry_run")
    applied = bench_imports.measure(path=xlsx_path, mode="skip_bad_rows")

    assert (dry["created"], dry["applied"]) == (300, False)
    assert (applied["created"], applied["applied"]) == (300, True)
    table = bench_imports.report(300, [("SQLite", "csv", "dry_run", {**dry, "peak_mb": 90.0})])
    assert "| SQLite | CSV | dry_run |" in table and "| 300 | yes |" in table
