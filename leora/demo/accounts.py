"""One demo account at a time: the customer, its contacts, orders, invoices, activities, tasks, events.

Each account draws from its own ``random.Random`` seeded by (seed, tenant, account number), so the
data is the same whatever the batch size and however the run is split.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from leora.crm.models import (
    ActivityKind,
    CustomerStatus,
    LicenceType,
    OrderStatus,
    ProductCategory,
    TaskPriority,
    TaskStatus,
)
from leora.demo import words
from leora.demo.cadence import SEGMENTS, month_lift, order_dates
from leora.demo.catalog import BASE_QUANTITY
from leora.demo.presets import Area
from leora.demo.writer import TableWriter, aware

CENT = Decimal("0.01")
ZERO = Decimal("0")

KINDS = {"restaurant": 0.34, "bar": 0.2, "wine_shop": 0.14, "grocer": 0.14, "hotel": 0.08, "liquor": 0.10}
ON_PREMISE = {"restaurant", "bar", "hotel"}
CATEGORY_TASTE = {
    "restaurant": (0.7, 0.15, 0.1, 0.05),
    "bar": (0.2, 0.5, 0.25, 0.05),
    "wine_shop": (0.85, 0.1, 0.05, 0.0),
    "grocer": (0.5, 0.15, 0.3, 0.05),
    "hotel": (0.5, 0.3, 0.15, 0.05),
    "liquor": (0.3, 0.5, 0.2, 0.0),
}
CATEGORIES = (ProductCategory.WINE, ProductCategory.SPIRITS, ProductCategory.BEER, ProductCategory.OTHER)
# Lines per order, 2 to 8, mostly small baskets.
BASKET_SIZES = (2,) * 12 + (3,) * 5 + (4, 4, 5, 6, 7, 8)
PAYERS = {"good": 0.8, "slow": 0.14, "poor": 0.06}
ACTIVITY_KINDS = (
    ActivityKind.CALL,
    ActivityKind.VISIT,
    ActivityKind.EMAIL,
    ActivityKind.TASTING,
    ActivityKind.NOTE,
)
ACTIVITY_WEIGHTS = (0.35, 0.3, 0.2, 0.08, 0.07)
# Chance that the manager asks the rep to work an account, by segment.
TASK_CHANCE = {"at_risk": 0.5, "dormant": 0.4, "target_lapsed": 0.7, "target_prospect": 0.5, "slipping": 0.3}
TASK_TITLES = {
    "at_risk": (
        "Call {name} about their reorder",
        "Check why {name} slowed down",
        "Run a staff tasting at {name}",
    ),
    "slipping": ("Call {name} about their reorder", "Drop by {name} with the new arrivals"),
    "dormant": ("Visit lapsed account {name}", "Win back {name}"),
    "target_lapsed": ("Visit lapsed account {name}", "Win back {name}", "Offer {name} a reopening deal"),
    "target_prospect": ("Book a tasting at {name}", "Introduce the portfolio to {name}"),
}
OWN_TASK_TITLES = ("Send the holiday price list to {name}", "Follow up on {name}'s last delivery")
EVENT_CHANCE = {"target_prospect": 0.5, "target_lapsed": 0.5, "at_risk": 0.3, "new": 0.3, "slipping": 0.2}


def venue_point(area: Area, city: str, account_number: str) -> tuple[Decimal, Decimal]:
    """A venue's coordinates: its city lies within about 20 km of the area's centre, the venue within
    a few km of its city. Drawn from their own seeds, so the rest of the data does not change."""
    place = random.Random(f"{area.name}:{city}")
    city_lat = area.centre[0] + place.uniform(-0.18, 0.18)
    city_lng = area.centre[1] + place.uniform(-0.25, 0.25)
    venue = random.Random(f"venue:{account_number}")
    micro = Decimal("0.000001")
    return (
        Decimal(city_lat + venue.gauss(0, 0.02)).quantize(micro),
        Decimal(city_lng + venue.gauss(0, 0.03)).quantize(micro),
    )


@dataclass(frozen=True)
class Territory:
    name: str
    area: Area
    rep_id: int
    manager_id: int | None


@dataclass(frozen=True, eq=False)  # identity hashing: products are picked by the thousand
class Product:
    id: int
    category: str
    unit_price: Decimal
    popularity: float


@dataclass
class Writers:
    customers: TableWriter
    contacts: TableWriter
    orders: TableWriter
    lines: TableWriter
    invoices: TableWriter
    activities: TableWriter
    tasks: TableWriter
    events: TableWriter


@dataclass
class Context:
    tenant_id: int
    tz: Any
    today: date
    start: date
    seed: int
    slug: str
    account_prefix: str
    territories: list[Territory]
    products_by_category: dict[str, list[Product]]
    pool_weights: dict[str, list[float]]
    writers: Writers
    admin_id: int
    # (rep id, Monday) -> revenue of non-cancelled orders, for quotas in line with each book.
    rep_week_revenue: dict[tuple[int, date], Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def _venue_name(rng: random.Random, kind: str) -> str:
    adjective, noun = rng.choice(words.ADJECTIVES), rng.choice(words.NOUNS)
    surname, first = rng.choice(words.LAST_NAMES), rng.choice(words.FIRST_NAMES)
    if kind == "restaurant":
        return rng.choice(
            (f"The {adjective} {noun}", f"{first}'s {rng.choice(words.RESTAURANT_WORDS)}",
             f"{noun} & {rng.choice(words.NOUNS)} {rng.choice(words.RESTAURANT_WORDS)}")
        )  # fmt: skip
    if kind == "bar":
        return rng.choice(
            (
                f"The {adjective} {noun} {rng.choice(words.BAR_WORDS)}",
                f"{surname}'s {rng.choice(words.BAR_WORDS)}",
            )
        )
    if kind == "wine_shop":
        return rng.choice(
            (
                f"{adjective} {noun} {rng.choice(words.SHOP_WORDS)}",
                f"{surname} {rng.choice(words.SHOP_WORDS)}",
            )
        )
    if kind == "grocer":
        return f"{rng.choice((adjective, surname))} {rng.choice(words.GROCER_WORDS)}"
    if kind == "hotel":
        return rng.choice(
            (
                f"The {surname} {rng.choice(words.HOTEL_WORDS)}",
                f"{adjective} {noun} {rng.choice(words.HOTEL_WORDS)}",
            )
        )
    return f"{rng.choice((adjective, surname))} {rng.choice(words.LIQUOR_WORDS)}"


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def cumulative(items: list[Product]) -> list[float]:
    """Return the running total of the items' popularity, for ``random.choices(cum_weights=...)``."""
    return list(itertools.accumulate(p.popularity for p in items))


def _weighted_pick(rng: random.Random, items: list[Product], cum: list[float], count: int) -> list[Product]:
    # A weighted sample without replacement, approximately: draw with replacement, drop repeats and fill
    # up in popularity order. Far cheaper than an exact sample, and no one can tell the difference.
    if count >= len(items):
        return list(items)
    picked = list(dict.fromkeys(rng.choices(items, cum_weights=cum, k=count + 2)))[:count]
    if len(picked) < count:
        chosen = set(map(id, picked))
        picked += [p for p in items if id(p) not in chosen][: count - len(picked)]
    return picked


class AccountBuilder:
    """Writes every row of one account; ``build`` is called once per customer number."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def build(self, number: int, segment: str, interval: int, payer: str) -> None:
        ctx = self.ctx
        rng = random.Random(f"{ctx.seed}:{ctx.slug}:{number}")
        kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        territory = ctx.territories[rng.randrange(len(ctx.territories))]
        house_account = segment == "prospect" and rng.random() < 0.15
        rep_id = None if house_account else territory.rep_id
        dates, created = order_dates(rng, segment, interval, ctx.today, ctx.start)
        created = max(created, ctx.start - timedelta(days=365 * 3))
        name = _venue_name(rng, kind)
        customer_id = self._customer(rng, number, name, kind, segment, territory, rep_id, created, dates)
        self._contacts(rng, customer_id, created)
        if dates:
            self._orders(rng, number, customer_id, rep_id, kind, segment, payer, dates)
        if rep_id is not None:
            self._activities(rng, customer_id, rep_id, segment, created, dates)
            self._work(rng, customer_id, name, territory, segment, dates)

    def _customer(
        self, rng: random.Random, number: int, name: str, kind: str, segment: str, territory: Territory,
        rep_id: int | None, created: date, dates: list[date],
    ) -> int:  # fmt: skip
        ctx, area = self.ctx, territory.area
        on_premise = kind in ON_PREMISE
        licensed = segment not in {"prospect"} or rng.random() < 0.6
        licence_type = (LicenceType.ON_PREMISE if on_premise else LicenceType.OFF_PREMISE) if licensed else ""
        licence = (
            f"{'ON' if on_premise else 'OFF'}-{area.state}-{rng.randint(100000, 999999)}" if licensed else ""
        )
        status = CustomerStatus.ACTIVE
        if segment == "dormant" and rng.random() < 0.15:
            status = CustomerStatus.CLOSED
        elif segment in {"at_risk", "slipping"} and rng.random() < 0.1:
            status = CustomerStatus.ON_HOLD
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
        street_suffix = rng.choice(words.STREET_SUFFIXES)
        notes = ""
        if rng.random() < 0.2:
            notes = rng.choice(words.ACTIVITY_SUBJECTS["note"])
        created_at = aware(created, 9 + rng.randint(0, 7), rng.randint(0, 59), ctx.tz)
        updated = dates[-1] if dates else created
        street = f"{rng.randint(10, 9899)} {rng.choice(words.STREET_NAMES)} {street_suffix}"
        city = rng.choice(area.cities)
        account_number = f"{ctx.account_prefix}{number:06d}"
        latitude, longitude = venue_point(area, city, account_number)
        return ctx.writers.customers.add(
            ctx.tenant_id, name, account_number, SEGMENTS[segment][1], status, rep_id,
            territory.name, street, city, area.state, f"{area.zip_prefix}{rng.randint(0, 99):02d}", "US",
            f"({area.phone_area}) 555-{rng.randint(100, 9999):04d}", f"orders@{slug}.example",
            licence, licence_type, notes, latitude, longitude, created_at, aware(updated, 18, 0, ctx.tz),
        )  # fmt: skip

    def _contacts(self, rng: random.Random, customer_id: int, created: date) -> None:
        ctx = self.ctx
        for index in range(rng.choice((1, 1, 2, 2, 3))):
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            ctx.writers.contacts.add(
                ctx.tenant_id, customer_id, f"{first} {last}", rng.choice(words.CONTACT_TITLES),
                f"{first.lower()}.{last.lower()}@mail.example", f"555-{rng.randint(1000, 9999)}",
                index == 0, aware(created, 10, 0, ctx.tz),
            )  # fmt: skip

    def _orders(
        self, rng: random.Random, number: int, customer_id: int, rep_id: int | None, kind: str,
        segment: str, payer: str, dates: list[date],
    ) -> None:  # fmt: skip
        ctx = self.ctx
        taste = CATEGORY_TASTE[kind]
        size = rng.lognormvariate(0, 0.45) * (1.5 if kind == "hotel" else 1.0)
        growth = rng.uniform(-0.06, 0.15)
        mix: list[Product] = []
        for category, share in zip(CATEGORIES, taste, strict=True):
            pool = ctx.products_by_category.get(category, [])
            if pool:
                mix.extend(
                    _weighted_pick(rng, pool, ctx.pool_weights[category], round(share * rng.randint(6, 12)))
                )
        if len(mix) < 2:
            everything = [p for pool in ctx.products_by_category.values() for p in pool]
            mix = _weighted_pick(rng, everything, cumulative(everything), 4)
        mix_weights = cumulative(mix)
        quantity_of = {p.id: rng.choice(BASE_QUANTITY[p.category]) for p in mix}
        core = sorted(mix, key=lambda p: p.popularity, reverse=True)[:2]
        recent = ctx.today - timedelta(days=90)
        lapsing = ctx.today - timedelta(days=150)
        cancelled_days = {d - timedelta(days=1) for d in dates if rng.random() < 0.015 and d > ctx.start}
        for day in sorted([*dates, *cancelled_days]):
            cancelled = day in cancelled_days
            scale = size * month_lift(day) * (1 + growth * (day - ctx.start).days / 365)
            if segment == "declining":
                scale *= 0.45 if day > recent else (0.85 if day > lapsing else 1.0)
            if segment == "narrowing" and day > recent:
                basket = core[: rng.choice((1, 2))]
            else:
                basket = _weighted_pick(rng, mix, mix_weights, rng.choice(BASKET_SIZES))
            suffix = f"{day:%y%m%d}-{number:06d}"
            lines = []
            for product in basket:
                quantity = max(1, round(quantity_of[product.id] * scale * (0.7 + 0.6 * rng.random())))
                lines.append((product, quantity, product.unit_price * quantity))
            total = sum((line_total for _, _, line_total in lines), ZERO)
            status = OrderStatus.CANCELLED if cancelled else (
                OrderStatus.FULFILLED if day < ctx.today - timedelta(days=1) else OrderStatus.SUBMITTED
            )  # fmt: skip
            order_id = ctx.writers.orders.add(
                ctx.tenant_id, customer_id, rep_id, f"SO-{suffix}", day, status, total,
                "Cancelled by the customer, re-placed the next day" if cancelled else "",
                aware(day, 8 + rng.randint(0, 8), rng.randint(0, 59), ctx.tz),
            )  # fmt: skip
            for product, quantity, line_total in lines:
                ctx.writers.lines.add(
                    ctx.tenant_id, order_id, product.id, quantity, product.unit_price, line_total
                )
            if cancelled:
                continue
            if rep_id is not None:
                ctx.rep_week_revenue[(rep_id, day - timedelta(days=day.weekday()))] += total
            self._invoice(rng, suffix, customer_id, order_id, day, total, payer, segment, day == dates[-1])

    def _invoice(
        self, rng: random.Random, suffix: str, customer_id: int, order_id: int, day: date, amount: Decimal,
        payer: str, segment: str, is_last: bool,
    ) -> None:  # fmt: skip
        ctx = self.ctx
        due = day + timedelta(days=30)
        past_due = (ctx.today - due).days
        paid = amount
        roll = rng.random()
        if past_due < 0:
            paid = amount if roll < 0.25 else (ZERO if roll < 0.93 else amount * Decimal("0.5"))
        elif payer == "slow" and past_due <= 60:
            paid = (
                ZERO
                if roll < 0.5
                else (amount * Decimal(rng.choice(("0.25", "0.5"))) if roll < 0.7 else amount)
            )
        elif payer == "poor" and past_due <= 150:
            paid = (
                ZERO
                if roll < 0.6
                else (amount * Decimal(rng.choice(("0.3", "0.6"))) if roll < 0.8 else amount)
            )
        elif segment in {"dormant", "target_lapsed"} and is_last and roll < 0.5:
            # Accounts that stopped buying often stopped paying too: the 90+ bucket.
            paid = ZERO if roll < 0.35 else amount * Decimal("0.4")
        ctx.writers.invoices.add(
            ctx.tenant_id, customer_id, order_id, f"INV-{suffix}", amount, paid.quantize(CENT), day, due,
            aware(day, 18, 0, ctx.tz),
        )  # fmt: skip

    def _activity(
        self, rng: random.Random, customer_id: int, rep_id: int, day: date, kind: str | None = None
    ) -> None:
        ctx = self.ctx
        kind = kind or rng.choices(ACTIVITY_KINDS, weights=ACTIVITY_WEIGHTS)[0]
        day = _weekday(day)
        # Only whole past days: seeding in the morning must not log calls made this afternoon.
        if day >= ctx.today:
            return
        when = aware(day, 9 + rng.randint(0, 8), rng.choice((0, 15, 30, 45)), ctx.tz)
        ctx.writers.activities.add(
            ctx.tenant_id, customer_id, rep_id, kind, rng.choice(words.ACTIVITY_SUBJECTS[kind]),
            rng.choice(words.ACTIVITY_OUTCOMES[kind]), when, when,
        )  # fmt: skip

    def _activities(
        self,
        rng: random.Random,
        customer_id: int,
        rep_id: int,
        segment: str,
        created: date,
        dates: list[date],
    ) -> None:
        ctx = self.ctx
        today = ctx.today
        if segment == "prospect":
            for _ in range(rng.randint(0, 2)):
                self._activity(rng, customer_id, rep_id, created + timedelta(days=rng.randint(0, 60)), "call")
            return
        if dates:
            # Regular contact while the account buys; a visit every four to eight weeks.
            day = max(created, ctx.start) + timedelta(days=rng.randint(3, 30))
            end = dates[-1] + timedelta(days=20)
            while day < min(end, today):
                self._activity(rng, customer_id, rep_id, day)
                day += timedelta(days=rng.randint(28, 56))
        if segment == "new":
            first = dates[0]
            self._activity(rng, customer_id, rep_id, first - timedelta(days=rng.randint(10, 20)), "tasting")
            self._activity(rng, customer_id, rep_id, first - timedelta(days=rng.randint(2, 8)), "visit")
        if segment in {"target_prospect", "target_lapsed", "at_risk", "slipping"}:
            # Being worked now: recent calls, visits and tastings.
            for _ in range(rng.randint(2, 4)):
                kind = rng.choice(
                    (ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.TASTING, ActivityKind.EMAIL)
                )
                self._activity(rng, customer_id, rep_id, today - timedelta(days=rng.randint(1, 45)), kind)

    def _work(
        self,
        rng: random.Random,
        customer_id: int,
        name: str,
        territory: Territory,
        segment: str,
        dates: list[date],
    ) -> None:
        ctx = self.ctx
        today = ctx.today
        if dates:
            description = f"{name}: last order {(today - dates[-1]).days} days ago."
        else:
            description = f"{name} has not ordered yet."
        rep_id = territory.rep_id
        if rng.random() < TASK_CHANCE.get(segment, 0.04):
            manager = territory.manager_id or ctx.admin_id
            own = segment not in TASK_CHANCE
            title = rng.choice(TASK_TITLES.get(segment, OWN_TASK_TITLES)).format(name=name)
            due = today + timedelta(days=rng.randint(-14, 14))
            roll = rng.random()
            if due < today:
                status = (
                    TaskStatus.DONE
                    if roll < 0.5
                    else (TaskStatus.OPEN if roll < 0.9 else TaskStatus.IN_PROGRESS)
                )
            else:
                status = (
                    TaskStatus.OPEN
                    if roll < 0.7
                    else (TaskStatus.IN_PROGRESS if roll < 0.9 else TaskStatus.DONE)
                )
            done_day = min(today - timedelta(days=1), due - timedelta(days=rng.randint(0, 5)))
            completed = aware(done_day, 15, 0, ctx.tz) if status == TaskStatus.DONE else None
            priority = TaskPriority.HIGH if segment in {"at_risk", "target_lapsed"} else TaskPriority.NORMAL
            if rng.random() < 0.08:
                priority = TaskPriority.URGENT
            ctx.writers.tasks.add(
                ctx.tenant_id, title, description, customer_id, rep_id,
                rep_id if own else manager, due, priority, status, completed,
                aware(due - timedelta(days=rng.randint(7, 21)), 8, 30, ctx.tz),
            )  # fmt: skip
        if rng.random() < EVENT_CHANCE.get(segment, 0.05):
            tasting = rng.random() < 0.4
            day = _weekday(today + timedelta(days=rng.randint(1, 21)))
            starts = aware(day, 10 + rng.randint(0, 6), rng.choice((0, 30)), ctx.tz)
            ends = starts + timedelta(hours=2 if tasting else 1)
            title = f"Tasting at {name}" if tasting else f"Visit: {name}"
            notes = "Bring samples of the new arrivals" if tasting else ""
            ctx.writers.events.add(
                ctx.tenant_id, title, rep_id, customer_id, starts, ends, territory.name, notes,
                starts - timedelta(days=7),
            )  # fmt: skip
