"""Drilldown pages: the rows behind each number of the dashboard, at /dashboard/drilldown/<name>/.

Each page reads through the same functions as ``GET /api/sales/dashboard/drilldown/{name}``
(``drilldown_get``, ``drilldown_rows``, ``drilldown_metric``, ``drilldown_csv``, with the scope of
``reading_context``), so the page lists exactly the rows the API answers and "Download CSV" streams
them. Like every page, a stale bookmark never answers 422: an unknown sort or rep is ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from leora.dashboard.data import reading_context
from leora.dashboard.drilldowns import (
    DRILLDOWNS,
    Column,
    Drilldown,
    drilldown_csv,
    drilldown_metric,
    drilldown_rows,
)
from leora.pages import actor_of_page, page_slice, render_page, url_with
from leora.tenancy.actors import Actor
from leora.tenancy.selectors.members import visible_members

# Columns whose cell links to the customer page, and the row key holding that customer's id.
_CUSTOMER_LINKS = {"name": "id", "customer": "customer_id", "order_number": "customer_id"}


@dataclass(frozen=True)
class Empty:
    """What an empty drilldown says, and where it sends the reader next (a drilldown name)."""

    title: str
    text: str
    next: str = ""
    next_label: str = ""


_EMPTY = {
    "at-risk-cadence": Empty(
        "No at-risk customers", "Nobody is late against their own ordering rhythm. The customers due "
        "to order are the next ones to call.", "customers-due", "See customers due to order",
    ),
    "at-risk-revenue": Empty(
        "No revenue at stake", "No at-risk customer means no usual orders at stake. The customers due "
        "to order are the next ones to call.", "customers-due", "See customers due to order",
    ),
    "dormant-customers": Empty(
        "No dormant customers", "Every customer who has ordered before is still buying. Keep an eye on the "
        "at-risk list, where dormant ones start.", "at-risk-cadence", "See at-risk customers",
    ),
    "healthy-customers": Empty(
        "No healthy customers yet", "A customer counts as healthy after three orders on their usual rhythm. "
        "The at-risk list shows who is slipping.", "at-risk-cadence", "See at-risk customers",
    ),
    "customers-due": Empty(
        "Nobody is due to order", "No customer's next order is expected in the coming days. The at-risk list "
        "shows who is already late.", "at-risk-cadence", "See at-risk customers",
    ),
    "customer-health": Empty(
        "No customers to score", "Customers in this book appear here with their health score once they are "
        "assigned.",
    ),
    "unique-customers": Empty(
        "No orders this week yet", "Customers appear here as soon as they order this week. Start with the "
        "ones due to order.", "customers-due", "See customers due to order",
    ),
    "weekly-quota": Empty(
        "No quota set for this week", "A manager or admin sets each rep's weekly quota on the Team page.",
    ),
    "this-week-revenue": Empty(
        "No orders this week yet", "Orders appear here as they are taken. Start with the customers due to "
        "order.", "customers-due", "See customers due to order",
    ),
    "last-week-revenue": Empty(
        "No orders last week", "Nothing was ordered last week in this book. See who is due to order now.",
        "customers-due", "See customers due to order",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    id: int
    cells: list[Cell]


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Cell:
    column: Column
    value: Any
    href: str | None = None
    sub: str = ""


def rep_choices(actor: Actor) -> list[Person]:
    """Return the people whose book ``actor`` may filter a drilldown to, by name: anyone in the
    tenant for an admin, a manager's team; nobody for a rep (their page is always their own book)."""
    if actor.is_rep:
        return []
    members = visible_members(actor=actor).select_related("user").order_by("user__full_name", "user__email")
    return [Person(id=m.user_id, name=m.user.display_name) for m in members]


def _rep_id(request: HttpRequest, people: list[Person]) -> int | None:
    raw = request.GET.get("rep_id", "")
    # Someone outside the actor's people (or junk) is ignored like any stale filter.
    return int(raw) if raw.isdigit() and int(raw) in {p.id for p in people} else None


def _sort(request: HttpRequest, drilldown: Drilldown) -> str:
    wanted = request.GET.get("sort", "")
    return wanted if wanted.lstrip("-") in drilldown.sorts() else drilldown.default_ordering


def _display(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "date":
        return date.fromisoformat(value)
    return value


def _cells(row: dict[str, Any], columns: list[Column]) -> list[Cell]:
    cells = []
    for column in columns:
        link_key = _CUSTOMER_LINKS.get(column.key)
        href = None
        if link_key and row.get(link_key):
            href = reverse("customer_detail", args=[row[link_key]])
        sub = row.get("account_number", "") if column.key == "name" else ""
        cells.append(
            Cell(column=column, value=_display(column, row.get(column.key)), href=href, sub=sub or "")
        )
    return cells


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(lines: Iterator[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for line in lines:
        yield writer.writerow(line)


_DIRECTIONS = {
    "money": ("highest first", "lowest first"),
    "number": ("highest first", "lowest first"),
    "date": ("latest first", "earliest first"),
}


def _sort_choices(columns: list[Column]) -> list[tuple[str, str]]:
    """Return the sorts a phone offers in a select, where the table's headers are not shown."""
    choices = []
    for column in columns:
        if not column.sort:
            continue
        if column.kind in _DIRECTIONS:
            down, up = _DIRECTIONS[column.kind]
            choices += [(f"-{column.key}", f"{column.label}, {down}"), (column.key, f"{column.label}, {up}")]
        else:
            choices += [
                (column.key, f"{column.label}, A to Z"),
                (f"-{column.key}", f"{column.label}, Z to A"),
            ]
    return choices


def _with_rep(url: str, rep_id: int | None) -> str:
    return f"{url}?rep_id={rep_id}" if rep_id else url


@require_GET
@login_required
def drilldown_page(request: HttpRequest, name: str) -> HttpResponse | StreamingHttpResponse:
    actor = actor_of_page(request)
    drilldown = DRILLDOWNS.get(name)
    if drilldown is None:
        raise Http404("No such drilldown")
    people = rep_choices(actor)
    rep_id = _rep_id(request, people)
    ctx = reading_context(actor, rep_id)
    sort = _sort(request, drilldown)
    rows = drilldown_rows(drilldown, ctx, sort)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(_csv_text(drilldown_csv(drilldown, rows)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}-{ctx.today.isoformat()}.csv"'
        return response
    # A rep's own book has one rep: the column would repeat their name on every row.
    columns = [c for c in drilldown.columns if not (c.key == "rep" and (actor.is_rep or rep_id))]
    page = page_slice(request, rows)
    rep = next((p for p in people if p.id == rep_id), None)
    empty = _EMPTY.get(name, Empty("Nothing to show", "There are no rows behind this number."))
    context = {
        "drilldown": drilldown,
        "drilldowns": list(DRILLDOWNS.values()),
        "metric": drilldown_metric(drilldown, ctx),
        "columns": columns,
        "page": page,
        "rows": [Row(id=row["id"], cells=_cells(row, columns)) for row in map(drilldown.row, page.items)],
        "sort": sort,
        "sort_choices": _sort_choices(columns),
        "people": people,
        "rep_id": rep_id,
        "rep": rep,
        "today": ctx.today,
        "csv_url": url_with(request, format="csv", page=None, page_size=None),
        "empty": empty,
        "empty_next_url": _with_rep(reverse("drilldown", args=[empty.next]), rep_id) if empty.next else "",
        "dashboard_url": _with_rep(reverse("dashboard"), rep_id),
        "page_url": reverse("drilldown", args=[name]),
    }
    return render_page(
        request, "dashboard/drilldown.html", context, fragment="dashboard/_drilldown_results.html"
    )


@require_GET
@login_required
def drilldown_index(request: HttpRequest) -> HttpResponse:
    actor_of_page(request)
    return render(request, "dashboard/drilldown_index.html", {"drilldowns": list(DRILLDOWNS.values())})
