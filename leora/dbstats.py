"""Keeping the database's query planner informed after large changes.

SQLite plans without statistics until ``ANALYZE`` has run: on a seeded tenant it then drives a rep's
dashboard queries from the whole order history instead of the rep's few hundred customers (a widget
took 900 ms instead of 8). PostgreSQL's autovacuum analyzes by itself, but only some time after a bulk
load. So bulk loads (the demo seeder) and the nightly facts rebuild refresh the statistics.
"""

from __future__ import annotations

from django.db import connection


def planner_statistics_refresh() -> None:
    """Run ANALYZE on the default database (outside any transaction it is cheap to repeat)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
