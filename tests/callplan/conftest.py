"""A small book for rep1 whose ranking can be checked by hand (``T`` is acme's today, ``M`` its Monday).

rep1, with the default weights (event 100, at risk 60, due 50, dormant high value 40, overdue 30,
task 25, prospect 20):
  Iris Inn        an event booked on M+2 10:00                                    100 -> 1st (visit)
  Alder Bistro    orders T-50, T-40, T-30, T-20 (interval 10, 20 days since: at risk) 60 -> 2nd
                  totals 100, 100, 100, 500: expected value 100 (the median)
  Birch Bar       orders T-38, T-28, T-18, T-8 (next expected in 2 days: due)      50 -> 3rd (call)
  Cedar Cellars   one order of 60,000 on T-100 (dormant, high value)               40 -> 4th
  Dune Deli       an unpaid invoice due T-20 (overdue balance)                     30 -> 5th
  Fern Foods      an open task due M+3                                             25 -> 6th
  Elm Tavern      a prospect nobody contacted                                      20 -> 7th (tasting)
  Grove Grill     orders every 10 days, last T-1 (healthy)                          not in the plan
rep2: Hazel Hotel at risk like Alder (never in rep1's plan). Other tenant: Foreign Tavern at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import AccountType, Customer, Product
from leora.jobs.processing import process_jobs
from leora.tenancy.calendar import tenant_today, week_start
from tests import factories
from tests.conftest import World

EXPECTED_ORDER = [
    "Iris Inn",
    "Alder Bistro",
    "Birch Bar",
    "Cedar Cellars",
    "Dune Deli",
    "Fern Foods",
    "Elm Tavern",
]


@dataclass
class Book:
    today: date
    monday: date
    customers: dict[str, Customer]
    product: Product

    @property
    def week(self) -> str:
        return self.monday.isoformat()


def _orders(
    customer: Customer, product: Product, days_ago: list[int], today: date, qty: list[int] | None = None
) -> None:
    for n, ago in enumerate(days_ago):
        quantity = (qty or [8] * len(days_ago))[n]
        factories.make_order(customer, [(product, quantity)], order_date=today - timedelta(days=ago))


def make_book(world: World) -> Book:
    acme = world.acme
    T = tenant_today(acme)
    M = week_start(T)
    wine = factories.make_product(acme, name="Pinot")  # 12.50 a bottle
    active = {"account_type": AccountType.ACTIVE}
    c: dict[str, Any] = {
        "alder": factories.make_customer(acme, world.rep1, name="Alder Bistro", **active),
        "birch": factories.make_customer(acme, world.rep1, name="Birch Bar", **active),
        "cedar": factories.make_customer(acme, world.rep1, name="Cedar Cellars", **active),
        "dune": factories.make_customer(acme, world.rep1, name="Dune Deli", **active),
        "elm": factories.make_customer(acme, world.rep1, name="Elm Tavern"),
        "fern": factories.make_customer(acme, world.rep1, name="Fern Foods", **active),
        "grove": factories.make_customer(acme, world.rep1, name="Grove Grill", **active),
        "iris": factories.make_customer(
            acme, world.rep1, name="Iris Inn", street="1 Main St", city="Napa", **active
        ),
        "hazel": factories.make_customer(acme, world.rep2, name="Hazel Hotel", **active),
        "foreign": factories.make_customer(world.other, world.other_rep, name="Foreign Tavern", **active),
    }
    _orders(c["alder"], wine, [50, 40, 30, 20], T, qty=[8, 8, 8, 40])
    _orders(c["birch"], wine, [38, 28, 18, 8], T)
    _orders(c["cedar"], wine, [100], T, qty=[4800])
    _orders(c["grove"], wine, [31, 21, 11, 1], T)
    _orders(c["hazel"], wine, [50, 40, 30, 20], T)
    foreign_wine = factories.make_product(world.other, name="Foreign")
    _orders(c["foreign"], foreign_wine, [50, 40, 30, 20], T)
    factories.make_invoice(
        c["dune"], "300.00", issued_on=T - timedelta(days=50), due_on=T - timedelta(days=20)
    )
    factories.make_task(
        acme, world.rep1, customer=c["fern"], due_date=M + timedelta(days=3), title="Bring samples"
    )
    starts = timezone.make_aware(datetime.combine(M + timedelta(days=2), time(10, 0)), acme.tzinfo)
    factories.make_event(acme, world.rep1, customer=c["iris"], starts_at=starts, title="Wine list review")
    return Book(today=T, monday=M, customers=c, product=wine)


@pytest.fixture
def book(world: World, unscoped: None) -> Book:
    return make_book(world)


def run_plans(max_jobs: int = 5) -> None:
    """Claim and run the ready call plan jobs for real, in this thread."""
    process_jobs(max_jobs=max_jobs, types=["callplan_generate"])
