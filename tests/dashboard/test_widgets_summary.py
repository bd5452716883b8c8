"""The sales summary and its drilldowns against the book in conftest.py, worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World
from tests.dashboard.conftest import Book

SALES = "/api/sales/dashboard"

# this week, last week, quota, percent, unique customers, healthy, due, at risk, dormant, at-risk money
SUMMARY = {
    "rep1": ("100.00", "50.00", "500.00", 20, 1, 1, 1, 1, 1, "112.50"),
    "manager": ("170.00", "120.00", "800.00", 21, 2, 2, 2, 2, 1, "162.50"),
    "manager_rep2": ("70.00", "70.00", "300.00", 23, 1, 1, 1, 1, 0, "50.00"),
    "admin": ("370.00", "120.00", "1800.00", 20, 3, 2, 2, 3, 1, "282.50"),
}


def _summary(body: dict[str, Any]) -> tuple[Any, ...]:
    health = body["health"]
    return (
        body["this_week_revenue"]["value"],
        body["last_week_revenue"]["value"],
        body["quota"]["value"],
        body["quota"]["percent"],
        body["unique_customers"]["value"],
        *(health[key]["value"] for key in ("healthy", "due", "at_risk", "dormant")),
        body["at_risk_revenue"]["value"],
    )


def test_the_summary_adds_up_each_scopes_book(book: Book, api_as: Any, viewers: dict[str, Any]) -> None:
    actual = {}
    for name, (user, rep) in viewers.items():
        params = {"rep_id": rep.pk} if rep else {}
        actual[name] = _summary(api_as(user).get(SALES, **params).json())
    assert actual == SUMMARY


def _rows(api: Any, name: str, *keys: str, **params: Any) -> list[tuple[Any, ...]]:
    body = api.get(f"{SALES}/drilldown/{name}", **params).json()
    assert body["total"] == len(body["items"])
    return [tuple(row[k] for k in keys) for row in body["items"]]


def test_the_weekly_quota_drilldown_sets_each_reps_revenue_against_their_quota(
    world: World, book: Book, api_as: Any
) -> None:
    assert _rows(api_as(world.admin), "weekly-quota", "rep", "quota", "revenue", "percent") == [
        ("Rep1", "500.00", "100.00", 20),
        ("Rep2", "300.00", "70.00", 23),
        ("Rep3", "1000.00", "200.00", 20),
    ]


def test_the_revenue_drilldowns_list_the_weeks_orders_newest_first_without_cancelled_ones(
    world: World, book: Book, api_as: Any
) -> None:
    api = api_as(world.admin)
    assert _rows(api, "this-week-revenue", "customer", "order_date", "total") == [
        ("Maple Market", book.today.isoformat(), "200.00"),
        ("Ivy Inn", book.days(1).isoformat(), "70.00"),
        ("Alder Bistro", book.days(2).isoformat(), "100.00"),
    ]
    assert _rows(api, "last-week-revenue", "customer", "order_date", "total") == [
        ("Ivy Inn", book.days(8).isoformat(), "70.00"),
        ("Alder Bistro", book.days(9).isoformat(), "50.00"),
    ]


def test_the_unique_customers_drilldown_counts_each_customers_orders_this_week(
    world: World, book: Book, api_as: Any
) -> None:
    # Alder's cancelled order today neither counts as an order nor adds revenue.
    assert _rows(api_as(world.admin), "unique-customers", "name", "orders", "revenue") == [
        ("Maple Market", 1, "200.00"),
        ("Alder Bistro", 1, "100.00"),
        ("Ivy Inn", 1, "70.00"),
    ]


@pytest.mark.parametrize(
    ("name", "names"),
    [
        ("healthy-customers", ["Alder Bistro", "Ivy Inn"]),
        ("customers-due", ["Alder Bistro", "Ivy Inn"]),
        ("dormant-customers", ["Dune Deli"]),
        ("at-risk-revenue", ["Birch Bar", "Hazel Hotel"]),  # by usual order value, 112.50 then 50.00
    ],
)
def test_each_segment_drilldown_lists_the_managers_team_customers_in_it(
    world: World, book: Book, api_as: Any, name: str, names: list[str]
) -> None:
    assert [row[0] for row in _rows(api_as(world.manager), name, "name")] == names


def test_the_customer_health_drilldown_scores_every_customer_weakest_first(
    world: World, book: Book, api_as: Any
) -> None:
    # The default health_score: 100 - 30 x min(overdue ratio or 1, 3) - 20 x min(overdue balance / 1000, 1)
    # - 10 x min(days since last activity or 60, 60) / 60 + 20 x min(last 90 days / max(prior 90, 1), 1),
    # never under 0. Dune: 100 - 90 - 1.8 - 10 + 0 -> 0. Birch: 100 - 60 - 6.4 - 0 + 20 = 53.6.
    # Elm, Holly: 100 - 30 - 10 = 60. Cedar: 100 - 39 - 5 - 0.17 + 20 = 75.8. Fern, Gorse: 100 - 30 - 10
    # + 20 = 80. Alder: 100 - 8.6 - 3 - 0.3 + 20 = 108, held to 100 (the formula keeps 0 to 100).
    rows = _rows(api_as(world.rep1), "customer-health", "name", "health_score")
    assert rows == [
        ("Dune Deli", 0),
        ("Birch Bar", 54),
        ("Elm Prospect", 60),
        ("Holly Hall", 60),
        ("Cedar Cellar", 76),
        ("Fern Foods", 80),
        ("Gorse Grocer", 80),
        ("Alder Bistro", 100),
    ]
