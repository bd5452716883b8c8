"""at_risk_customers and customers_due against the book in conftest.py, worked out by hand: who is in
the segment, the money at stake, the cadence columns and the order of the list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import World
from tests.dashboard.conftest import Book, Reader

# name, days since the last order, usual interval, usual order value, last order value, expected
# next order (days from today), rep
BIRCH = ("Birch Bar", 14, 7, "112.50", "150.00", -7, "Rep1")
HAZEL = ("Hazel Hotel", 17, 7, "50.00", "50.00", -10, "Rep2")
LAUREL = ("Laurel Lounge", 15, 7, "120.00", "120.00", -8, "Rep3")
ALDER = ("Alder Bistro", 2, 7, "55.71", "100.00", 5, "Rep1")  # 390 over 7 orders, last year's included
IVY = ("Ivy Inn", 1, 7, "70.00", "70.00", 6, "Rep2")

AT_RISK = {
    "rep1": ("112.50", [BIRCH]),
    "manager": ("162.50", [HAZEL, BIRCH]),
    "manager_rep2": ("50.00", [HAZEL]),
    "admin": ("282.50", [HAZEL, LAUREL, BIRCH]),
}
DUE = {
    "rep1": ("55.71", [ALDER]),
    "manager": ("125.71", [ALDER, IVY]),
    "manager_rep2": ("70.00", [IVY]),
    "admin": ("125.71", [ALDER, IVY]),
}


def _expected(book: Book, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [
        {
            "id": book.customers[name.split()[0].lower()].pk,
            "name": name,
            "days_since_last_order": days,
            "usual_interval_days": interval,
            "usual_order_value": usual,
            "last_order_value": last,
            "expected_next_order": (book.today + timedelta(days=expected)).isoformat(),
            "rep": rep,
        }
        for name, days, interval, usual, last, expected, rep in rows
    ]


def _summary(book: Book) -> Any:
    return lambda body: (body["count"], body["usual_order_value_total"], body["items"])


def test_at_risk_customers_counts_lists_most_overdue_first_and_sums_their_usual_order_value(
    book: Book, read_all: Any
) -> None:
    expected = {v: (len(rows), money, _expected(book, rows)) for v, (money, rows) in AT_RISK.items()}
    assert read_all("at_risk_customers", _summary(book)) == expected


def test_customers_due_lists_the_soonest_expected_order_first(book: Book, read_all: Any) -> None:
    expected = {v: (len(rows), money, _expected(book, rows)) for v, (money, rows) in DUE.items()}
    assert read_all("customers_due", _summary(book)) == expected


@pytest.mark.parametrize(
    ("widget_type", "code", "name"),
    [
        ("at_risk_customers", "at_risk_customer", "At-risk customer"),
        ("customers_due", "due_to_order", "Due to order"),
    ],
)
def test_a_segment_widget_names_the_metric_and_version_it_used(
    world: World, book: Book, read_widget: Reader, widget_type: str, code: str, name: str
) -> None:
    body = read_widget(world.rep1, widget_type)
    assert body["metric"] == {"code": code, "name": name, "version": 1, "url": f"/metrics/{code}/"}


def test_the_limit_cuts_the_list_but_not_the_count_or_the_money(
    world: World, book: Book, read_widget: Reader
) -> None:
    body = read_widget(world.admin, "at_risk_customers", config={"limit": 1})
    assert [row["name"] for row in body["items"]] == ["Hazel Hotel"]
    assert body["count"] == 3
    assert body["usual_order_value_total"] == "282.50"


def test_a_segment_widget_configured_with_another_metric_follows_it(
    world: World, book: Book, read_widget: Reader
) -> None:
    # Open balances past their due date: Alder (T-1), Birch, Cedar (T-75; its T invoice is current), Dune.
    body = read_widget(world.rep1, "at_risk_customers", config={"metric": "overdue_balance"})
    assert body["metric"]["code"] == "overdue_balance"
    assert body["count"] == 4
    assert [row["name"] for row in body["items"]] == [
        "Dune Deli",
        "Birch Bar",
        "Cedar Cellar",
        "Alder Bistro",
    ]
    dormant = read_widget(world.manager, "customers_due", config={"metric": "dormant_customer"})
    assert dormant["metric"]["code"] == "dormant_customer"
    assert [(r["name"], r["days_since_last_order"], r["usual_interval_days"]) for r in dormant["items"]] == [
        ("Dune Deli", 100, 30)
    ]
    assert dormant["usual_order_value_total"] == "40.00"
