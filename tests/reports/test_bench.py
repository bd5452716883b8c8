"""The reports benchmark runs end to end on the small book (``make bench`` runs it on a seeded tenant)."""

from __future__ import annotations

import pytest

from bench import bench_reports
from tests.conftest import World
from tests.reports.conftest import Book

pytestmark = pytest.mark.django_db


def test_the_reports_benchmark_measures_every_type_and_format(world: World, book: Book) -> None:
    rows = bench_reports.measure(world.acme, days=61, formats=("csv", "xlsx"))
    assert {(r["type"], r["format"]) for r in rows} >= {
        ("sales_by_rep", "csv"),
        ("customer_statement", "xlsx"),
    }
    assert all(r["kb"] > 0 for r in rows)
    text = bench_reports.table(60, rows, 100.0)
    assert "| product_performance | csv | 2 |" in text and "Peak RSS" in text
