"""Batched inserts of plain tuples, for seeding millions of rows in bounded memory.

Building a Django model instance costs ~15 µs and ``bulk_create`` on SQLite splits a batch into
statements of 166 rows, which makes millions of order lines take many minutes. The demo generator
therefore builds plain tuples and a ``Sink`` writes them in batches: ``executemany`` on SQLite and
``COPY`` on PostgreSQL. Primary keys the generator needs before the rows are written (a customer's id
for its orders, an order's id for its lines) are reserved up front: from the table's sequence on
PostgreSQL, which is safe beside other writers; after the largest id on SQLite, which is safe because
the seeding transaction holds SQLite's single write lock from its first statement.

Foreign keys are deferred to commit on both databases (Django creates them ``DEFERRABLE INITIALLY
DEFERRED``), and the sink flushes parents before children anyway.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any

from django.db import connection
from django.db import models as dj_models


class IdAllocator:
    """Hands out primary keys for one table without a round trip per row."""

    BLOCK = 5000

    def __init__(self, model: type[dj_models.Model]) -> None:
        self.table = model._meta.db_table
        self.column = model._meta.pk.column
        self.pending: list[int] = []
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX("{self.column}"), 0) FROM "{self.table}"')  # noqa: S608
                largest = cursor.fetchone()[0]
                # AUTOINCREMENT never reuses an id, even of deleted rows: start after the highest ever.
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                row = cursor.fetchone()
            self.take = itertools.count(max(largest, row[0] if row else 0) + 1).__next__  # type: ignore[method-assign]

    def take(self) -> int:
        """Return the next reserved id."""
        if not self.pending:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [f'"{self.table}"', self.column, self.BLOCK],
                )
                self.pending = [row[0] for row in cursor.fetchall()]
                self.pending.reverse()
        return self.pending.pop()


def _sqlite_adapter(field: dj_models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, dj_models.DateTimeField):

        def adapt_datetime(value: datetime | None) -> Any:
            # What Django stores on SQLite: naive UTC in ISO format with a space.
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if value is not None else None

        return adapt_datetime
    if isinstance(field, dj_models.DateField):

        def adapt_date(value: date | None) -> Any:
            return value.isoformat() if value is not None else None

        return adapt_date
    return None


class TableWriter:
    """Collects rows for one model; ``fields`` name the columns each ``add`` gives, in order.

    Concrete fields not named are filled with their model default, so a column added later by
    another feature does not break seeding as long as it has a default.
    """

    def __init__(self, sink: Sink, model: type[dj_models.Model], fields: Sequence[str], with_ids: bool):
        self.sink = sink
        self.model = model
        meta = model._meta
        named = [meta.get_field(name) for name in fields]
        pk = meta.pk
        self.defaults: list[tuple[dj_models.Field[Any, Any], bool]] = []
        for field in meta.concrete_fields:
            if field is pk or field.name in fields:
                continue
            if not field.has_default() and not field.null and field.get_default() is None:
                raise ValueError(f"{meta.label}.{field.name} has no default: the demo must set it")
            self.defaults.append((field, callable(field.default)))
        static_defaults = tuple(f.get_default() for f, is_callable in self.defaults if not is_callable)
        self.static_defaults = static_defaults
        self.callable_defaults = [f for f, is_callable in self.defaults if is_callable]
        all_fields = ([pk] if with_ids else []) + named
        all_fields += [f for f, is_callable in self.defaults if not is_callable] + self.callable_defaults
        self.columns = [f.column for f in all_fields]  # type: ignore[union-attr]
        self.ids = IdAllocator(model) if with_ids else None
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        adapters = [_sqlite_adapter(f) for f in all_fields] if connection.vendor != "postgresql" else []  # type: ignore[arg-type]
        self.adapters = [(i, a) for i, a in enumerate(adapters) if a is not None]

    def add(self, *values: Any) -> int:
        """Queue one row; return its reserved id (0 for tables written without ids)."""
        row_id = self.ids.take() if self.ids is not None else 0
        row = values + self.static_defaults
        if self.callable_defaults:
            row += tuple(f.get_default() for f in self.callable_defaults)
        if self.ids is not None:
            row = (row_id, *row)
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.sink.batch_size:
            self.sink.flush()
        return row_id

    def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        table = self.model._meta.db_table
        column_list = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # the psycopg cursor: COPY is not part of the DB-API
                with raw.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                if self.adapters:
                    adapted = []
                    for row in rows:
                        values = list(row)
                        for index, adapt in self.adapters:
                            values[index] = adapt(values[index])
                        adapted.append(values)
                    rows = adapted  # type: ignore[assignment]
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f'INSERT INTO "{table}" ({column_list}) VALUES ({marks})', rows)  # noqa: S608


class Sink:
    """The writers of one seeding run, flushed together, parents first, whenever one fills up."""

    def __init__(self, batch_size: int = 5000) -> None:
        self.batch_size = batch_size
        self.writers: list[TableWriter] = []

    def writer(
        self, model: type[dj_models.Model], fields: Sequence[str], with_ids: bool = False
    ) -> TableWriter:
        """Return a writer for ``model``; create writers of parent tables before their children."""
        table_writer = TableWriter(self, model, fields, with_ids)
        self.writers.append(table_writer)
        return table_writer

    def flush(self) -> None:
        for table_writer in self.writers:
            table_writer.flush()


@functools.lru_cache(maxsize=8192)
def _offset_on(day: date, tz: tzinfo) -> timezone:
    # Daylight saving changes at night, so one offset serves every business hour of the day.
    offset = datetime(day.year, day.month, day.day, 12, tzinfo=tz).utcoffset() or timedelta(0)
    return timezone(offset)


def aware(day: date, hour: int, minute: int, tz: tzinfo) -> datetime:
    """Return ``day`` at ``hour:minute`` (between 6:00 and 23:59) in ``tz`` as an aware datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=_offset_on(day, tz))
