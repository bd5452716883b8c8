"""The SQL building blocks the ORM has no portable spelling for, and the float literal every
compiled number, duration and date is made of.

They render fixed SQL with every value bound as a parameter; nothing here ever sees formula text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, FloatField, Func, IntegerField, Value
from django.db.models.sql.compiler import SQLCompiler

from leora.crm.models import Order, OrderStatus

MEDIAN_GAP_WINDOW = 12


def float_value(value: float) -> Value:
    """Return ``value`` as a bound float parameter: inside SQL every number, duration and date is a
    float, so arithmetic behaves the same on SQLite and PostgreSQL."""
    return Value(float(value), output_field=FloatField())


class DayNumber(Func):
    """Days since 1970-01-01 of a date expression: dates become plain numbers on every database."""

    output_field = IntegerField()
    arity = 1

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra
        )

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="((%(expressions)s) - DATE '1970-01-01')", **extra)


def _day_difference(connection: BaseDatabaseWrapper, later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"(julianday({later}) - julianday({earlier}))"


class MedianOrderGap(Expression):
    """Median of the last up to 12 gaps (days) between a customer's orders, NULL under 3 orders.

    Rendered as a correlated subquery: the customer's newest 13 non-cancelled orders, their gaps with
    LEAD, the gaps ranked with ROW_NUMBER, and the average of the one or two middle ranks.
    """

    output_field = FloatField()

    def __init__(self, customer: Any, tenant_id: int) -> None:
        super().__init__()
        self.customer = customer
        self.tenant_id = tenant_id

    def get_source_expressions(self) -> list[Any]:
        return [self.customer]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.customer,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        customer_sql, customer_params = compiler.compile(self.customer)
        qn = connection.ops.quote_name
        table = qn(Order._meta.db_table)
        gap = _day_difference(
            connection, "x.order_date", "LEAD(x.order_date) OVER (ORDER BY x.order_date DESC, x.id DESC)"
        )
        # Only quoted identifiers and compiled column references are interpolated; values are params.
        sql = (
            "(SELECT AVG(g.gap) FROM ("  # noqa: S608
            " SELECT r.gap, ROW_NUMBER() OVER (ORDER BY r.gap) AS k, COUNT(*) OVER () AS n FROM ("
            f"  SELECT {gap} AS gap,"
            "   ROW_NUMBER() OVER (ORDER BY x.order_date DESC, x.id DESC) AS rn FROM ("
            f"   SELECT o.order_date, o.id FROM {table} o"
            f"   WHERE o.tenant_id = %s AND o.customer_id = {customer_sql} AND o.status <> %s"
            "    ORDER BY o.order_date DESC, o.id DESC LIMIT %s"
            "  ) x"
            " ) r WHERE r.rn <= %s AND r.gap IS NOT NULL"
            ") g WHERE g.n >= 2 AND g.k IN ((g.n + 1) / 2, (g.n + 2) / 2))"
        )
        params = [
            self.tenant_id,
            *customer_params,
            OrderStatus.CANCELLED.value,
            MEDIAN_GAP_WINDOW + 1,
            MEDIAN_GAP_WINDOW,
        ]
        return sql, params


class StrictPick(Func):
    """The smaller (``smaller=True``) or larger of two floats, NULL when either is NULL.

    Each argument appears once in the SQL: spelled as CASE WHEN, a nested min(100, max(0, x)) would
    repeat x nine times, and a health score's formula grew to 250 kB of SQL. SQLite's two-argument
    MIN/MAX and PostgreSQL's float8smaller/float8larger (the strict functions behind its min and
    max aggregates) already return NULL for a NULL argument; LEAST/GREATEST would skip it.
    """

    output_field = FloatField()
    arity = 2

    def __init__(self, left: Any, right: Any, *, smaller: bool) -> None:
        super().__init__(left, right)
        self.smaller = smaller

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="MIN" if self.smaller else "MAX", **extra)

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        function = "float8smaller" if self.smaller else "float8larger"
        template = "%(function)s(CAST(%(left)s AS double precision), CAST(%(right)s AS double precision))"
        left, left_params = compiler.compile(self.source_expressions[0])
        right, right_params = compiler.compile(self.source_expressions[1])
        sql = template % {"function": function, "left": left, "right": right}
        return sql, (*left_params, *right_params)
