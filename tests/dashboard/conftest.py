"""A small fixed book of business for checking every dashboard number by hand.

The clock is pinned (``today``) to the most recent Wednesday at 10:00 in acme's time zone
(America/Los_Angeles), so "this week" runs from Monday ``T-2`` to Sunday ``T+4`` whatever day the suite
runs; tests of the Monday and Sunday edges pin other moments with ``clock``. Every date below is
relative to ``T``; the expected values in the tests are worked out from this docstring, not from the
code under test.

Products: Pinot 10.00, Rioja 25.00, Gin 40.00 (acme); Foreign 5.00 (other).

rep1's customers
  Alder Bistro   weekly: T-2 (5 Pinot + 2 Rioja = 100), T-9, T-16, T-23 (5 Pinot = 50 each);
                 T cancelled (10 Gin = 400); last year T-364 (8 Pinot = 80), T-366 cancelled (1 Gin),
                 T-367 (1 Pinot = 10), T-371 (2 Rioja = 50). Usual interval 7, 2 days since: healthy,
                 due (expected T+5); usual order value 390 / 7.
  Birch Bar      weekly: T-14 (6 Rioja = 150), T-21, T-28, T-35 (4 Rioja = 100 each): 14 days since,
                 ratio 2.0, at risk; usual order value 112.50, last order 150.
  Cedar Cellar   every 10 days: T-13, T-23, T-43 (3 Pinot = 30), T-33 (3 Pinot + 5 Gin = 230): ratio 1.3,
                 slipping (neither healthy nor at risk); usual order value 80.
  Dune Deli      T-100, T-130, T-160 (1 Gin = 40 each): dormant.
  Elm Prospect   a prospect created T-5, never ordered: new by creation.
  Fern Foods     created T-200, first order T-10 (2 Gin = 80): new by first order.
  Gorse Grocer   created T-3 (imported) but first ordered T-60 and T-45 (2 Pinot = 20 each): not new.
  Holly Hall     created T-400, one cancelled order T-5 (1 Rioja): not new, no revenue.
rep2's customers
  Hazel Hotel    weekly: T-17, T-24, T-31, T-38 (2 Rioja = 50 each): ratio 17/7, at risk.
  Ivy Inn        weekly: T-1, T-8, T-15, T-22 (7 Pinot = 70 each): healthy, due (expected T+6); new
                 (first order T-22).
  Nettle Nook    a prospect created at the first moment of T-29: new (the period's first day).
  Olive Oasis    a prospect created at 23:59:59 on T-30: not new.
rep3's customers (outside the manager's team)
  Laurel Lounge  weekly: T-15, T-22, T-29 (3 Gin = 120 each): ratio 15/7, at risk; new (first order T-29).
  Maple Market   one order today T (8 Rioja = 200): new.
other tenant
  Foreign Tavern at risk (T-14, T-21, T-28), Foreign Shop an order this week (T-2, 500): never shown.

Invoices (amount / paid, due): Alder 100/0 T+25 and 200/50 T-1; Birch 300/100 T-30 and 120/0 T-31;
Cedar 500/250 T-75 and 60/0 T (due today: current); Dune 90/0 T-120 and 80/80 T-100 (paid);
Hazel 400/100 T-61; Ivy 75/25 T-91 and 40/0 T-90; Laurel 1000/0 T+10; Foreign Tavern 5000/0 T-40.

Activities (local time): Alder visit by rep1 Monday 00:00:00 (this week), call by rep1 Sunday 23:59:59
before it (last week), email by rep1 last Monday 00:00 (last week); Birch call by rep1 T 09:00, visit by
the manager T-1; Cedar tasting by rep1 T-1, note by rep1 the Sunday before last week (neither week);
Hazel call by rep2 T 08:00; Ivy call by rep2 T-8, visit by rep2 T-1; Laurel tasting by rep3 T;
Foreign Tavern call T.

Tasks: to rep1 by the manager: due T-3 (overdue), due T (today: not overdue), no due date, done T-10,
cancelled T-4; by the admin: due T-1 (overdue), due T+2 in progress; by rep1 themselves T-5; by nobody
T-2. To rep2 by the manager T-1, by rep2 themselves. To the manager by the admin T+1. Other tenant: one.

Events: rep1 T 08:00 (already begun), T 14:00 (Alder), T+2 09:00 (Birch), T+6 23:30, T+7 00:00 (outside
seven days), T-1; rep2 T+1 10:00; the manager T+3 09:00; rep3 T+1 12:00; other tenant T+1.

Quotas for the week starting Monday: rep1 500, rep2 300, rep3 1000 (and rep1 400 last week); other 99.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import (
    AccountType,
    CalendarEvent,
    Customer,
    OrderStatus,
    Product,
    Task,
    TaskStatus,
)
from leora.tenancy.calendar import week_start
from leora.tenancy.models import Tenant, User
from tests import factories
from tests.conftest import World

WIDGETS = "/api/dashboard/widgets"
_real_now = timezone.now


def local(tenant: Tenant, day: date, at: time = time(12, 0)) -> datetime:
    """Return ``day`` at ``at`` in the tenant's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, at), tenant.tzinfo)


def most_recent(tenant: Tenant, weekday: int, at: time) -> datetime:
    """Return the latest moment before the real now that falls on ``weekday`` at ``at`` in the tenant's
    time zone. Pinned moments lie in the past so caches that compare expiry times keep working."""
    now = _real_now()
    day = timezone.localtime(now, tenant.tzinfo).date()
    while day.weekday() != weekday or local(tenant, day, at) >= now:
        day -= timedelta(days=1)
    return local(tenant, day, at)


@dataclass
class Clock:
    """Pins ``django.utils.timezone.now`` (and so every tenant's today) for one test."""

    monkeypatch: pytest.MonkeyPatch
    tenant: Tenant

    def pin(self, moment: datetime) -> date:
        """Make ``moment`` the current time; returns the tenant's today at it."""
        self.monkeypatch.setattr(timezone, "now", lambda: moment)
        return timezone.localtime(moment, self.tenant.tzinfo).date()

    def pin_weekday(self, weekday: int, at: time = time(10, 0)) -> date:
        """Pin the clock to the most recent ``weekday`` (0 is Monday) at ``at``; returns that day."""
        return self.pin(most_recent(self.tenant, weekday, at))


@pytest.fixture
def clock(world: World, monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch=monkeypatch, tenant=world.acme)


@pytest.fixture
def today(clock: Clock) -> date:
    """The pinned today: a Wednesday, 10:00 in acme's time zone."""
    return clock.pin_weekday(2)


@dataclass
class Book:
    today: date
    monday: date
    products: dict[str, Product]
    customers: dict[str, Customer]
    tasks: dict[str, Task] = field(default_factory=dict)
    events: dict[str, CalendarEvent] = field(default_factory=dict)

    def ids(self, *names: str) -> set[int]:
        return {self.customers[n].pk for n in names}

    def days(self, n: int) -> date:
        """Return ``T - n`` (``T + -n`` for negative ``n``)."""
        return self.today - timedelta(days=n)


def _orders(customer: Customer, dated: list[tuple[int, list[tuple[Product, int]]]], today: date) -> None:
    for n, lines in dated:
        factories.make_order(customer, lines, order_date=today - timedelta(days=n))


@pytest.fixture
def book(world: World, today: date, unscoped: None) -> Book:
    acme, T = world.acme, today
    monday = week_start(T)
    assert (T - monday).days == 2

    def customer(name: str, rep: User, created_days_ago: int = 500, **fields: Any) -> Customer:
        fields.setdefault("account_type", AccountType.ACTIVE)
        fields.setdefault("created_at", local(acme, T - timedelta(days=created_days_ago), time(10, 0)))
        return factories.make_customer(
            acme if rep != world.other_rep else world.other, rep, name=name, **fields
        )

    pinot = factories.make_product(acme, name="Pinot", sku="PINOT", unit_price=Decimal("10.00"))
    rioja = factories.make_product(acme, name="Rioja", sku="RIOJA", unit_price=Decimal("25.00"))
    gin = factories.make_product(acme, name="Gin", sku="GIN", unit_price=Decimal("40.00"))
    foreign_wine = factories.make_product(
        world.other, name="Foreign", sku="PINOT", unit_price=Decimal("5.00")
    )

    c: dict[str, Customer] = {
        "alder": customer("Alder Bistro", world.rep1),
        "birch": customer("Birch Bar", world.rep1),
        "cedar": customer("Cedar Cellar", world.rep1),
        "dune": customer("Dune Deli", world.rep1),
        "elm": customer("Elm Prospect", world.rep1, 5, account_type=AccountType.PROSPECT),
        "fern": customer("Fern Foods", world.rep1, 200),
        "gorse": customer("Gorse Grocer", world.rep1, 3),
        "holly": customer("Holly Hall", world.rep1, 400),
        "hazel": customer("Hazel Hotel", world.rep2),
        "ivy": customer("Ivy Inn", world.rep2),
        "nettle": customer(
            "Nettle Nook",
            world.rep2,
            account_type=AccountType.PROSPECT,
            created_at=local(acme, T - timedelta(days=29), time(0, 0)),
        ),
        "olive": customer(
            "Olive Oasis",
            world.rep2,
            account_type=AccountType.PROSPECT,
            created_at=local(acme, T - timedelta(days=30), time(23, 59, 59)),
        ),
        "laurel": customer("Laurel Lounge", world.rep3),
        "maple": customer("Maple Market", world.rep3),
        "foreign": customer("Foreign Tavern", world.other_rep),
        "foreign_shop": customer("Foreign Shop", world.other_rep, 5),
    }

    # ------------------------------------------------------------------------------------------ orders
    _orders(c["alder"], [(2, [(pinot, 5), (rioja, 2)]), (9, [(pinot, 5)]), (16, [(pinot, 5)])], T)
    _orders(
        c["alder"], [(23, [(pinot, 5)]), (364, [(pinot, 8)]), (367, [(pinot, 1)]), (371, [(rioja, 2)])], T
    )
    factories.make_order(c["alder"], [(gin, 10)], order_date=T, status=OrderStatus.CANCELLED)
    factories.make_order(
        c["alder"], [(gin, 1)], order_date=T - timedelta(days=366), status=OrderStatus.CANCELLED
    )
    _orders(c["birch"], [(14, [(rioja, 6)]), (21, [(rioja, 4)]), (28, [(rioja, 4)]), (35, [(rioja, 4)])], T)
    _orders(
        c["cedar"],
        [(13, [(pinot, 3)]), (23, [(pinot, 3)]), (33, [(pinot, 3), (gin, 5)]), (43, [(pinot, 3)])],
        T,
    )
    _orders(c["dune"], [(100, [(gin, 1)]), (130, [(gin, 1)]), (160, [(gin, 1)])], T)
    _orders(c["fern"], [(10, [(gin, 2)])], T)
    _orders(c["gorse"], [(60, [(pinot, 2)]), (45, [(pinot, 2)])], T)
    factories.make_order(
        c["holly"], [(rioja, 1)], order_date=T - timedelta(days=5), status=OrderStatus.CANCELLED
    )
    _orders(c["hazel"], [(17, [(rioja, 2)]), (24, [(rioja, 2)]), (31, [(rioja, 2)]), (38, [(rioja, 2)])], T)
    _orders(c["ivy"], [(1, [(pinot, 7)]), (8, [(pinot, 7)]), (15, [(pinot, 7)]), (22, [(pinot, 7)])], T)
    _orders(c["laurel"], [(15, [(gin, 3)]), (22, [(gin, 3)]), (29, [(gin, 3)])], T)
    _orders(c["maple"], [(0, [(rioja, 8)])], T)
    _orders(
        c["foreign"], [(14, [(foreign_wine, 10)]), (21, [(foreign_wine, 10)]), (28, [(foreign_wine, 10)])], T
    )
    _orders(c["foreign_shop"], [(2, [(foreign_wine, 100)])], T)

    # ---------------------------------------------------------------------------------------- invoices
    def invoice(name: str, amount: str, paid: str, due_in: int) -> None:
        due = T + timedelta(days=due_in)
        factories.make_invoice(c[name], amount, paid, issued_on=due - timedelta(days=30), due_on=due)

    invoice("alder", "100.00", "0", 25)
    invoice("alder", "200.00", "50.00", -1)
    invoice("birch", "300.00", "100.00", -30)
    invoice("birch", "120.00", "0", -31)
    invoice("cedar", "500.00", "250.00", -75)
    invoice("cedar", "60.00", "0", 0)
    invoice("dune", "90.00", "0", -120)
    invoice("dune", "80.00", "80.00", -100)
    invoice("hazel", "400.00", "100.00", -61)
    invoice("ivy", "75.00", "25.00", -91)
    invoice("ivy", "40.00", "0", -90)
    invoice("laurel", "1000.00", "0", 10)
    invoice("foreign", "5000.00", "0", -40)

    # -------------------------------------------------------------------------------------- activities
    def activity(name: str, user: User, kind: str, day: date, at: time = time(12, 0)) -> None:
        factories.make_activity(c[name], user, kind, occurred_at=local(c[name].tenant, day, at))

    activity("alder", world.rep1, "visit", monday, time(0, 0))
    activity("alder", world.rep1, "call", monday - timedelta(days=1), time(23, 59, 59))
    activity("alder", world.rep1, "email", monday - timedelta(days=7), time(0, 0))
    activity("birch", world.rep1, "call", T, time(9, 0))
    activity("birch", world.manager, "visit", T - timedelta(days=1), time(11, 0))
    activity("cedar", world.rep1, "tasting", T - timedelta(days=1), time(15, 0))
    activity("cedar", world.rep1, "note", monday - timedelta(days=8))
    activity("hazel", world.rep2, "call", T, time(8, 0))
    activity("ivy", world.rep2, "call", T - timedelta(days=8))
    activity("ivy", world.rep2, "visit", T - timedelta(days=1))
    activity("laurel", world.rep3, "tasting", T, time(9, 30))
    activity("foreign", world.other_rep, "call", T, time(9, 0))

    # ------------------------------------------------------------------------------------------- tasks
    result = Book(today=T, monday=monday, products={"pinot": pinot, "rioja": rioja, "gin": gin}, customers=c)

    def task(key: str, to: User, by: User | None, due: int | None, **fields: Any) -> None:
        tenant = world.other if to == world.other_rep else acme
        result.tasks[key] = factories.make_task(
            tenant,
            to,
            title=key,
            assigned_by=by,
            due_date=None if due is None else T + timedelta(days=due),
            **fields,
        )

    task("manager overdue", world.rep1, world.manager, -3, customer=c["birch"])
    task("manager due today", world.rep1, world.manager, 0)
    task("manager undated", world.rep1, world.manager, None)
    task("manager done", world.rep1, world.manager, -10, status=TaskStatus.DONE)
    task("manager cancelled", world.rep1, world.manager, -4, status=TaskStatus.CANCELLED)
    task("admin overdue", world.rep1, world.admin, -1)
    task("admin in progress", world.rep1, world.admin, 2, status=TaskStatus.IN_PROGRESS)
    task("rep1 to self", world.rep1, world.rep1, -5)
    task("nobody", world.rep1, None, -2)
    task("rep2 from manager", world.rep2, world.manager, -1)
    task("rep2 to self", world.rep2, world.rep2, -2)
    task("manager from admin", world.manager, world.admin, 1)
    task("other tenant", world.other_rep, world.other_admin, -1)

    # ------------------------------------------------------------------------------------------ events
    def event(key: str, user: User, day: int, at: time, customer: str | None = None) -> None:
        tenant = world.other if user == world.other_rep else acme
        result.events[key] = factories.make_event(
            tenant,
            user,
            title=key,
            starts_at=local(tenant, T + timedelta(days=day), at),
            customer=c[customer] if customer else None,
        )

    event("rep1 begun", world.rep1, 0, time(8, 0))
    event("rep1 this afternoon", world.rep1, 0, time(14, 0), "alder")
    event("rep1 friday", world.rep1, 2, time(9, 0), "birch")
    event("rep1 last evening", world.rep1, 6, time(23, 30))
    event("rep1 too late", world.rep1, 7, time(0, 0))
    event("rep1 yesterday", world.rep1, -1, time(9, 0))
    event("rep2 tomorrow", world.rep2, 1, time(10, 0))
    event("manager saturday", world.manager, 3, time(9, 0))
    event("rep3 tomorrow", world.rep3, 1, time(12, 0))
    event("other tenant", world.other_rep, 1, time(9, 0))

    # ------------------------------------------------------------------------------------------ quotas
    factories.make_quota(acme, world.rep1, monday, "500")
    factories.make_quota(acme, world.rep1, monday - timedelta(days=7), "400")
    factories.make_quota(acme, world.rep2, monday, "300")
    factories.make_quota(acme, world.rep3, monday, "1000")
    factories.make_quota(world.other, world.other_rep, monday, "99")
    return result


Reader = Callable[..., dict[str, Any]]


@pytest.fixture
def read_widget(api_as: Any) -> Reader:
    """``read_widget(user, "quota_progress", rep=rep2, config={...})`` returns the widget's data as the
    API answers it; a config is set on a widget added to the user's dashboard first."""

    def read(
        user: User, widget_type: str, *, rep: User | None = None, config: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        api = api_as(user)
        params: dict[str, Any] = {}
        if rep is not None:
            params["rep_id"] = rep.pk
        if config is not None:
            added = api.post(WIDGETS, {"widget_type": widget_type, "config": config})
            assert added.status_code == 201, added.content
            params["widget_id"] = added.json()["id"]
        response = api.get(f"{WIDGETS}/{widget_type}/data", **params)
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()["data"]
        return body

    return read


@pytest.fixture
def viewers(world: World) -> dict[str, tuple[User, User | None]]:
    """The four ways of reading a dashboard: (who reads, which rep they filter to)."""
    return {
        "rep1": (world.rep1, None),
        "manager": (world.manager, None),
        "manager_rep2": (world.manager, world.rep2),
        "admin": (world.admin, None),
    }


@pytest.fixture
def read_all(
    read_widget: Reader, viewers: dict[str, tuple[User, User | None]]
) -> Callable[..., dict[str, Any]]:
    """``read_all("quota_progress", pick)`` returns ``{viewer: pick(data)}`` for each of the four viewers,
    so a test compares every scope with its hand-worked values in one assertion."""

    def read(widget_type: str, pick: Callable[[dict[str, Any]], Any] = lambda body: body) -> dict[str, Any]:
        return {name: pick(read_widget(user, widget_type, rep=rep)) for name, (user, rep) in viewers.items()}

    return read
