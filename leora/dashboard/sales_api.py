"""/api/sales/dashboard: the sales summary and the drilldown behind each of its numbers (JSON or CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema

from leora.dashboard.data import reading_context
from leora.dashboard.drilldowns import (
    DRILLDOWNS,
    drilldown_csv,
    drilldown_get,
    drilldown_metric,
    drilldown_rows,
)
from leora.dashboard.summary import sales_summary
from leora.pagination import ListParams, paginate
from leora.tenancy.auth import actor_of

router = Router()


class SummaryFilters(Schema):
    rep_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="managers and admins: one rep's book instead of the whole scope"
    )


class DrilldownParams(ListParams):
    rep_id: int | None = Field(None, ge=1, le=2**63 - 1, description="managers and admins: one rep's book")
    format: Literal["json", "csv"] = Field("json", description="csv downloads every row")


class ColumnOut(Schema):
    key: str
    label: str
    kind: str
    sortable: bool


class DrilldownOut(Schema):
    name: str
    title: str
    description: str
    metric: dict[str, Any] | None
    columns: list[ColumnOut]
    ordering: str
    items: list[dict[str, Any]]
    total: int
    page: int
    page_size: int


@router.get("", summary="This and last week's revenue, quota, unique customers and health counts")
def summary(request: HttpRequest, filters: Query[SummaryFilters]) -> dict[str, Any]:
    return sales_summary(reading_context(actor_of(request), filters.rep_id))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(lines: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for line in lines:
        yield writer.writerow(line)


@router.get(
    "/drilldown/{name}",
    response=DrilldownOut,
    summary="The rows behind one number of the dashboard",
    description=f"`name` is one of {', '.join(f'`{n}`' for n in DRILLDOWNS)}. Sort with `ordering` (a "
    "column key, `-` for descending); `format=csv` downloads every row.",
)
def drilldown(request: HttpRequest, name: str, params: Query[DrilldownParams]) -> Any:
    found = drilldown_get(name)
    ctx = reading_context(actor_of(request), params.rep_id)
    rows = drilldown_rows(found, ctx, params.ordering)
    if params.format == "csv":
        response = StreamingHttpResponse(_csv_lines(drilldown_csv(found, rows)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}-{ctx.today.isoformat()}.csv"'
        return response
    page = paginate(rows, params)
    return {
        "name": found.name,
        "title": found.title,
        "description": found.description,
        "metric": drilldown_metric(found, ctx),
        "columns": [
            {"key": c.key, "label": c.label, "kind": c.kind, "sortable": c.sort is not None}
            for c in found.columns
        ],
        "ordering": params.ordering or found.default_ordering,
        **page,
        "items": [found.row(obj) for obj in page["items"]],
    }
