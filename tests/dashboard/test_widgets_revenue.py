"""revenue_trend, quota_progress and top_products against the book in conftest.py, worked out by hand,
and the Monday and Sunday edges of the tenant's week."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import OrderStatus
from tests import factories
from tests.conftest import World
from tests.dashboard.conftest import Book, Clock, Reader

VIEWERS = ["rep1", "manager", "manager_rep2", "admin"]

# Weekly revenue, this week first, then 1, 2, ... weeks back (13 weeks; the rest are 0).
WEEKLY = {
    "rep1": [100, 50, 310, 180, 100, 330, 30, 20, 0, 20],
    "manager": [170, 120, 380, 300, 150, 380, 80, 20, 0, 20],
    "manager_rep2": [70, 70, 70, 120, 50, 50, 50],
    "admin": [370, 120, 500, 420, 270, 380, 80, 20, 0, 20],
}
TOTALS = {"rep1": "1140.00", "manager": "1620.00", "manager_rep2": "480.00", "admin": "2180.00"}
# The same weeks 52 weeks earlier: Alder's T-364 (80) pairs with this week, T-367 and T-371 (10 + 50)
# with last week; the cancelled T-366 counts nowhere. Only rep1's book ordered last year.
LAST_YEAR = {"rep1": [80, 60], "manager": [80, 60], "manager_rep2": [], "admin": [80, 60]}


def _money(values: list[int], weeks: int = 13) -> list[str]:
    padded = values + [0] * (weeks - len(values))
    return [f"{v}.00" for v in reversed(padded[:weeks])]


def test_revenue_trend_sums_each_week_and_pairs_it_with_the_same_week_last_year(
    book: Book, read_all: Any
) -> None:
    mondays = [(book.monday - timedelta(weeks=k)).isoformat() for k in range(12, -1, -1)]
    expected = {
        viewer: {
            "weeks": [
                {"week_start": m, "revenue": r, "last_year": y}
                for m, r, y in zip(mondays, _money(WEEKLY[viewer]), _money(LAST_YEAR[viewer]), strict=True)
            ],
            "total": TOTALS[viewer],
            "total_last_year": "0.00" if viewer == "manager_rep2" else "140.00",
        }
        for viewer in VIEWERS
    }
    assert read_all("revenue_trend") == expected


def test_revenue_trend_shows_as_many_weeks_as_configured(
    world: World, book: Book, read_widget: Reader
) -> None:
    body = read_widget(world.rep1, "revenue_trend", config={"weeks": 2})
    assert body["weeks"] == [
        {
            "week_start": (book.monday - timedelta(weeks=1)).isoformat(),
            "revenue": "50.00",
            "last_year": "60.00",
        },
        {"week_start": book.monday.isoformat(), "revenue": "100.00", "last_year": "80.00"},
    ]
    assert (body["total"], body["total_last_year"]) == ("150.00", "140.00")


# revenue this week, quota, percent reached, remaining, daily pace on Wednesday, Thursday and Friday
QUOTA = {
    "rep1": ("100.00", "500.00", 20, "400.00", "133.33"),
    "manager": ("170.00", "800.00", 21, "630.00", "210.00"),
    "manager_rep2": ("70.00", "300.00", 23, "230.00", "76.67"),
    "admin": ("370.00", "1800.00", 20, "1430.00", "476.67"),
}


def test_quota_progress_sets_this_weeks_revenue_against_quota_with_the_pace_for_the_days_left(
    book: Book, read_all: Any
) -> None:
    expected = {
        viewer: {
            "week_start": book.monday.isoformat(),
            "week_end": (book.monday + timedelta(days=6)).isoformat(),
            "revenue": revenue,
            "quota": quota,
            "percent": percent,
            "remaining": remaining,
            "working_days_left": 3,
            "daily_pace_needed": pace,
        }
        for viewer, (revenue, quota, percent, remaining, pace) in QUOTA.items()
    }
    assert read_all("quota_progress") == expected


def test_quota_progress_without_a_quota_has_no_percent_or_pace(
    world: World, book: Book, read_widget: Reader, unscoped: None
) -> None:
    body = read_widget(world.admin, "quota_progress", rep=world.manager)
    assert (body["quota"], body["percent"], body["daily_pace_needed"]) == (None, None, None)
    assert body["revenue"] == "0.00"


def _week_edge_book(world: World, today: date) -> None:
    """rep1's orders: 100 on the week's Monday, 7 on the Sunday before it, 60 today unless today is that
    Monday, and a cancelled 900; a quota of 500."""
    monday = today - timedelta(days=today.weekday())
    customer = factories.make_customer(world.acme, world.rep1, name="Edge Bar")
    product = factories.make_product(world.acme, unit_price=Decimal("1.00"))
    orders = [(monday, 100), (monday - timedelta(days=1), 7)] + ([(today, 60)] if today != monday else [])
    for day, quantity in orders:
        factories.make_order(customer, [(product, quantity)], order_date=day)
    factories.make_order(customer, [(product, 900)], order_date=monday, status=OrderStatus.CANCELLED)
    factories.make_quota(world.acme, world.rep1, monday, "500")


@pytest.mark.parametrize(
    ("weekday", "at", "days_left", "revenue", "pace"),
    [
        (
            0,
            time(0, 0, 1),
            5,
            "100.00",
            "80.00",
        ),  # Monday just after midnight: the Sunday before is last week
        (4, time(17, 0), 1, "160.00", "340.00"),  # Friday: today is the last working day
        (5, time(9, 0), 0, "160.00", None),  # Saturday: no working day left, no pace
        (6, time(23, 59, 59), 0, "160.00", None),  # Sunday, last second: still this week
    ],
)
def test_quota_progress_follows_the_tenants_week_from_monday_to_sunday(
    world: World,
    clock: Clock,
    read_widget: Reader,
    unscoped: None,
    weekday: int,
    at: time,
    days_left: int,
    revenue: str,
    pace: str | None,
) -> None:
    # given
    today = clock.pin_weekday(weekday, at)
    _week_edge_book(world, today)
    # when
    body = read_widget(world.rep1, "quota_progress")
    # then
    assert body["week_start"] == (today - timedelta(days=weekday)).isoformat()
    assert (body["working_days_left"], body["revenue"], body["daily_pace_needed"]) == (
        days_left,
        revenue,
        pace,
    )
    assert body["remaining"] == str(Decimal(500) - Decimal(revenue))


@pytest.mark.parametrize(
    ("weekday", "this_week", "last_week"), [(0, "100.00", "7.00"), (6, "160.00", "7.00")]
)
def test_revenue_trend_puts_monday_and_sunday_in_the_right_week(
    world: World,
    clock: Clock,
    read_widget: Reader,
    unscoped: None,
    weekday: int,
    this_week: str,
    last_week: str,
) -> None:
    today = clock.pin_weekday(weekday, time(0, 0, 1) if weekday == 0 else time(23, 59, 59))
    _week_edge_book(world, today)
    weeks = read_widget(world.rep1, "revenue_trend")["weeks"]
    assert weeks[-1]["week_start"] == (today - timedelta(days=weekday)).isoformat()
    assert (weeks[-1]["revenue"], weeks[-2]["revenue"]) == (this_week, last_week)


# name, revenue, units, change in percent against the 30 days before (None: nothing sold before)
TOP_BY_REVENUE = {
    "rep1": [("Rioja", "400.00", 16, 300), ("Pinot", "260.00", 26, 225), ("Gin", "80.00", 2, -60)],
    "manager": [("Pinot", "540.00", 54, 575), ("Rioja", "500.00", 20, 150), ("Gin", "80.00", 2, -60)],
    "manager_rep2": [("Pinot", "280.00", 28, None), ("Rioja", "100.00", 4, 0)],
    "admin": [("Rioja", "700.00", 28, 250), ("Pinot", "540.00", 54, 575), ("Gin", "440.00", 11, 120)],
}


def _products(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(p["name"], p["revenue"], p["units"], p["change_percent"]) for p in body["items"]]


def test_top_products_ranks_by_revenue_with_the_change_against_the_prior_period(
    book: Book, read_all: Any
) -> None:
    assert read_all("top_products", _products) == TOP_BY_REVENUE


def test_top_products_names_the_period_and_each_product(
    world: World, book: Book, read_widget: Reader
) -> None:
    body = read_widget(world.rep1, "top_products")
    assert (body["period_start"], body["period_end"], body["by"]) == (
        book.days(29).isoformat(),
        book.today.isoformat(),
        "revenue",
    )
    rioja = book.products["rioja"]
    assert {k: body["items"][0][k] for k in ("id", "name", "sku", "brand")} == {
        "id": rioja.pk,
        "name": "Rioja",
        "sku": "RIOJA",
        "brand": "",
    }


def test_top_products_by_units_compares_units(world: World, book: Book, read_widget: Reader) -> None:
    body = read_widget(world.rep1, "top_products", config={"by": "units"})
    assert _products(body) == [
        ("Pinot", "260.00", 26, 225),
        ("Rioja", "400.00", 16, 300),
        ("Gin", "80.00", 2, -60),
    ]


def test_top_products_over_a_week_compares_with_the_week_before(
    world: World, book: Book, read_widget: Reader
) -> None:
    # T-6..T: Alder's T-2 (5 Pinot, 2 Rioja); T-13..T-7: Alder's 5 Pinot and Cedar's 3 Pinot, Fern's Gin.
    # Pinot and Rioja tie on 50.00: the older product first.
    body = read_widget(world.rep1, "top_products", config={"days": 7, "limit": 2})
    assert _products(body) == [("Pinot", "50.00", 5, -38), ("Rioja", "50.00", 2, None)]
