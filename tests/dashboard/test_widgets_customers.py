"""new_customers and customer_balances against the book in conftest.py, worked out by hand."""

from __future__ import annotations

from typing import Any

from tests.conftest import World
from tests.dashboard.conftest import Book, Reader

# name, first order (days ago; None for a prospect), created (days ago), account type, rep; newest first
# by the day that made them new (first order, or creation for a prospect), then the latest created.
MAPLE = ("Maple Market", 0, 500, "ACTIVE", "Rep3")
ELM = ("Elm Prospect", None, 5, "PROSPECT", "Rep1")
FERN = ("Fern Foods", 10, 200, "ACTIVE", "Rep1")
IVY = ("Ivy Inn", 22, 500, "ACTIVE", "Rep2")
NETTLE = ("Nettle Nook", None, 29, "PROSPECT", "Rep2")  # created at the first moment of the period
LAUREL = ("Laurel Lounge", 29, 500, "ACTIVE", "Rep3")  # first ordered on the period's first day
NEW = {
    "rep1": [ELM, FERN],
    "manager": [ELM, FERN, IVY, NETTLE],
    "manager_rep2": [IVY, NETTLE],
    "admin": [MAPLE, ELM, FERN, IVY, NETTLE, LAUREL],
}


def _new(book: Book, rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    return {
        "since": book.days(29).isoformat(),
        "count": len(rows),
        "items": [
            {
                "id": book.customers[name.split()[0].lower()].pk,
                "name": name,
                "account_type": account_type,
                "first_order_date": None if first is None else book.days(first).isoformat(),
                "created_on": book.days(created).isoformat(),
                "rep": rep,
            }
            for name, first, created, account_type, rep in rows
        ],
    }


def test_new_customers_counts_first_orders_and_prospects_created_in_the_period(
    book: Book, read_all: Any
) -> None:
    # Not new: Gorse (created T-3 but first ordered T-60), Holly (only a cancelled order, created long
    # ago), Olive (created the last second before the period), Hazel (first order T-38).
    assert read_all("new_customers") == {viewer: _new(book, rows) for viewer, rows in NEW.items()}


def test_new_customers_over_a_week_keeps_only_that_week(
    world: World, book: Book, read_widget: Reader
) -> None:
    body = read_widget(world.admin, "new_customers", config={"days": 7, "limit": 1})
    assert body["since"] == book.days(6).isoformat()
    assert body["count"] == 2  # Maple (first order today) and Elm (created T-5)
    assert [row["name"] for row in body["items"]] == ["Maple Market"]


# current, 1-30, 31-60, 61-90, 90+ days past due; then the largest debtors
BUCKETS = {
    "rep1": (["160.00", "350.00", "120.00", "250.00", "90.00"], "970.00", "810.00"),
    "manager": (["160.00", "350.00", "120.00", "590.00", "140.00"], "1360.00", "1200.00"),
    "manager_rep2": (["0.00", "0.00", "0.00", "340.00", "50.00"], "390.00", "390.00"),
    "admin": (["1160.00", "350.00", "120.00", "590.00", "140.00"], "2360.00", "1200.00"),
}
DEBTORS = {
    "rep1": [("birch", "320.00"), ("cedar", "310.00"), ("alder", "250.00"), ("dune", "90.00")],
    # Dune and Ivy both owe 90.00: by name.
    "manager": [
        ("birch", "320.00"),
        ("cedar", "310.00"),
        ("hazel", "300.00"),
        ("alder", "250.00"),
        ("dune", "90.00"),
    ],
    "manager_rep2": [("hazel", "300.00"), ("ivy", "90.00")],
    "admin": [
        ("laurel", "1000.00"),
        ("birch", "320.00"),
        ("cedar", "310.00"),
        ("hazel", "300.00"),
        ("alder", "250.00"),
    ],
}


def test_customer_balances_age_open_balances_into_buckets(book: Book, read_all: Any) -> None:
    # Edges: due today is current; 1 and 30 days late are 1-30; 31 is 31-60; 61 and 90 are 61-90;
    # 91 is 90+. Dune's fully paid invoice counts nowhere.
    labels = ["current", "1-30", "31-60", "61-90", "90+"]
    expected = {
        viewer: {
            "outstanding": outstanding,
            "overdue": overdue,
            "buckets": [
                {"bucket": label, "amount": amount} for label, amount in zip(labels, amounts, strict=True)
            ],
        }
        for viewer, (amounts, outstanding, overdue) in BUCKETS.items()
    }
    actual = read_all("customer_balances", lambda body: {k: v for k, v in body.items() if k != "debtors"})
    assert actual == expected


def test_customer_balances_list_the_largest_debtors_first(book: Book, read_all: Any) -> None:
    expected = {
        viewer: [
            {"id": book.customers[key].pk, "name": book.customers[key].name, "balance": balance}
            for key, balance in rows
        ]
        for viewer, rows in DEBTORS.items()
    }
    assert read_all("customer_balances", lambda body: body["debtors"]) == expected
