"""Seed one demo tenant: people, catalogue, accounts with two years of history, work and quotas."""

from __future__ import annotations

import contextlib
import graphlib
import importlib
import math
import random
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from leora.crm.facts import facts_rebuild
from leora.crm.models import (
    Activity,
    CalendarEvent,
    Contact,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Product,
    SalesQuota,
    Task,
    TaskPriority,
    TaskStatus,
)
from leora.dbstats import planner_statistics_refresh
from leora.demo import words
from leora.demo.accounts import PAYERS, AccountBuilder, Context, Territory, Writers, cumulative
from leora.demo.accounts import Product as ProductRef
from leora.demo.cadence import INTERVALS, SEGMENTS, allocate
from leora.demo.catalog import build_catalog
from leora.demo.presets import CUSTOMERS_PER_REP, REPS_PER_MANAGER, TenantPreset
from leora.demo.writer import Sink, aware
from leora.tenancy.models import Membership, Role, Tenant, User
from leora.tenancy.scoping import scopes_disabled

DEMO_PASSWORD = "leora-demo"  # noqa: S105 - the published password of the demo logins
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SeedOptions:
    customers: int
    seed: int
    today: date | None = None
    years: int = 2
    batch_size: int = 5000


@dataclass(frozen=True)
class SeedResult:
    tenant: Tenant
    customers: int
    orders: int
    order_lines: int


def _no_progress(done: int, total: int) -> None:
    return None


def tenant_delete(tenant: Tenant) -> None:
    """Delete ``tenant`` with all its rows, and the users who belonged to it alone.

    Rows go by one DELETE per table (children first) rather than through Django's collector, which
    would load every order line into memory first.
    """
    with scopes_disabled(), transaction.atomic():
        member_ids = list(Membership.objects.filter(tenant=tenant).values_list("user_id", flat=True))
        owned = [
            model
            for model in apps.get_models()
            if any(
                isinstance(f, models.ForeignKey) and f.related_model is Tenant and f.column == "tenant_id"
                for f in model._meta.concrete_fields
            )
        ]
        order = graphlib.TopologicalSorter[type[models.Model]]()
        for model in owned:
            parents = {
                f.related_model
                for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey)
                and f.related_model in owned
                and f.related_model is not model
            }
            order.add(model, *parents)
        with connection.cursor() as cursor:
            for model in reversed(list(order.static_order())):
                cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE "tenant_id" = %s', [tenant.pk])  # noqa: S608
        Tenant.objects.filter(pk=tenant.pk).delete()
        User.objects.filter(pk__in=member_ids, memberships__isnull=True).delete()


def _people_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
        if name in seen and len(seen) < len(words.FIRST_NAMES) * len(words.LAST_NAMES) // 2:
            continue
        seen.add(name)
        names.append(name)
    return names


def team_size(customers: int, minimum_reps: int) -> tuple[int, int]:
    """Return (reps, managers) for a book of ``customers``: a rep per ~250 accounts, 8 reps a manager."""
    reps = max(minimum_reps, math.ceil(customers / CUSTOMERS_PER_REP))
    return reps, math.ceil(reps / REPS_PER_MANAGER)


def _users(
    tenant: Tenant, preset: TenantPreset, customers: int, rng: random.Random, today: date
) -> tuple[User, list[User], list[User], dict[int, int]]:
    reps, managers = team_size(customers, preset.reps)
    domain = preset.email_domain
    names = iter(_people_names(rng, 1 + managers + reps))
    password = make_password(DEMO_PASSWORD)  # one hash for every demo login: hashing is slow by design
    joined = aware(today - timedelta(days=800), 9, 0, tenant.tzinfo)
    people: list[tuple[str, str, int | None]] = [(f"admin@{domain}", Role.ADMIN, None)]
    people += [(f"manager{'' if m == 0 else m + 1}@{domain}", Role.MANAGER, None) for m in range(managers)]
    people += [(f"rep{r + 1}@{domain}", Role.SALES_REP, r * managers // reps) for r in range(reps)]
    existing = {u.email: u for u in User.objects.filter(email__in=[p[0] for p in people])}
    fresh = [
        User(email=email, full_name=next(names), password=password, date_joined=joined)
        for email, _, _ in people
        if email not in existing
    ]
    for user in User.objects.bulk_create(fresh, batch_size=1000):
        existing[user.email] = user
    manager_users = [existing[people[1 + m][0]] for m in range(managers)]
    Membership.objects.bulk_create(
        [
            Membership(
                tenant=tenant,
                user=existing[email],
                role=role,
                manager=manager_users[boss] if boss is not None else None,
                created_at=joined,
            )
            for email, role, boss in people
        ],
        batch_size=1000,
    )
    rep_users = [existing[email] for email, role, _ in people if role == Role.SALES_REP]
    boss_of = {existing[email].pk: manager_users[boss].pk for email, _, boss in people if boss is not None}
    return existing[people[0][0]], manager_users, rep_users, boss_of


def _territories(preset: TenantPreset, rep_ids: list[int], boss_of: dict[int, int]) -> list[Territory]:
    # One territory per rep keeps books even; past the named areas they split into numbered districts.
    areas = preset.areas
    territories = []
    for index, rep_id in enumerate(rep_ids):
        area = areas[index % len(areas)]
        district = index // len(areas)
        name = area.name if district == 0 else f"{area.name} {district + 1}"
        territories.append(Territory(name=name, area=area, rep_id=rep_id, manager_id=boss_of.get(rep_id)))
    return territories


def _quotas(sink: Sink, ctx: Context, rep_ids: list[int], boss_of: dict[int, int], admin_id: int) -> None:
    writer = sink.writer(
        SalesQuota, ["tenant", "user", "week_start", "revenue_target", "set_by", "created_at"]
    )
    first_week = ctx.start - timedelta(days=ctx.start.weekday())
    this_week = ctx.today - timedelta(days=ctx.today.weekday())
    weeks = [first_week + timedelta(weeks=n) for n in range((this_week - first_week).days // 7 + 9)]
    revenue = ctx.rep_week_revenue

    def average(rep_id: int, around: list[date]) -> Decimal:
        # Only whole weeks that have happened count: this week and later ones are not over yet.
        known = [revenue.get((rep_id, w), Decimal(0)) for w in around if first_week <= w < this_week]
        return sum(known, Decimal(0)) / len(known) if known else Decimal(0)

    for number, rep_id in enumerate(rep_ids):
        rng = random.Random(f"{ctx.seed}:{ctx.slug}:quota:{number}")
        recent_weeks = [this_week - timedelta(weeks=n) for n in range(1, 9)]
        recent = average(rep_id, recent_weeks)
        a_year_before = average(rep_id, [w - timedelta(weeks=52) for w in recent_weeks])
        trend = (
            min(Decimal("1.3"), max(Decimal("0.7"), recent / a_year_before)) if a_year_before else Decimal(1)
        )
        for week in weeks:
            if week < this_week:
                # Set knowing the season: a centred average of the book's weeks around this one.
                basis = average(rep_id, [week + timedelta(weeks=n) for n in range(-4, 4)])
            else:
                last_year = average(rep_id, [week - timedelta(weeks=52 + n) for n in (-1, 0, 1)])
                basis = last_year * trend if last_year else recent
            target = (basis * Decimal(str(round(rng.uniform(1.0, 1.1), 2))) / 50).quantize(Decimal(1)) * 50
            writer.add(
                ctx.tenant_id, rep_id, week, target, boss_of.get(rep_id, admin_id), aware(week, 8, 0, ctx.tz)
            )


def _general_tasks(sink: Sink, ctx: Context, rep_ids: list[int], boss_of: dict[int, int]) -> None:
    writer = sink.writer(
        Task,
        ["tenant", "title", "assigned_to", "assigned_by", "due_date", "priority", "status", "created_at"],
    )
    titles = ("Send this week's pipeline notes", "Book holiday portfolio tastings", "Update the price book")
    for number, rep_id in enumerate(rep_ids):
        rng = random.Random(f"{ctx.seed}:{ctx.slug}:tasks:{number}")
        for title in rng.sample(titles, 2):
            due = ctx.today + timedelta(days=rng.randint(-5, 10))
            status = TaskStatus.DONE if due < ctx.today and rng.random() < 0.5 else TaskStatus.OPEN
            writer.add(
                ctx.tenant_id, title, rep_id, boss_of.get(rep_id, ctx.admin_id), due, TaskPriority.NORMAL,
                status, aware(due - timedelta(days=7), 8, 0, ctx.tz),
            )  # fmt: skip


def _install_default_metrics(tenant: Tenant) -> None:
    # Metric definitions belong to the metrics app; when it offers defaults, a demo tenant gets them.
    try:
        module = importlib.import_module("leora.metrics.services")
    except ImportError:
        return
    install = getattr(module, "install_default_metrics", None)
    if install is not None:
        install(tenant)


@contextlib.contextmanager
def _big_page_cache() -> Iterator[None]:
    # SQLite's default 2 MB page cache makes index updates of a large load spill to disk; 256 MB
    # keeps them in memory for the length of the load.
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def seed_tenant(preset: TenantPreset, options: SeedOptions, progress: Progress = _no_progress) -> SeedResult:
    """Create ``preset``'s tenant with ``options.customers`` accounts; return what was written.

    One transaction: a tenant exists completely or not at all, and on SQLite the write lock is held
    from the start (which the id reservation of the writer relies on).
    """
    tz = zoneinfo.ZoneInfo(preset.timezone)
    today = options.today or datetime.now(tz).date()
    start = today - timedelta(days=365 * options.years)
    rng = random.Random(f"{options.seed}:{preset.slug}")
    with scopes_disabled(), _big_page_cache(), transaction.atomic():
        tenant = Tenant.objects.create(
            slug=preset.slug,
            name=preset.name,
            timezone=preset.timezone,
            currency=preset.currency,
            created_at=aware(start - timedelta(days=30), 9, 0, tz),
        )
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of millions of rows would queue in the server until commit;
            # the sink writes parents first, so checking each batch as it lands is correct and bounded.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        admin, _, reps, boss_of = _users(tenant, preset, options.customers, rng, today)
        rep_ids = [r.pk for r in reps]
        sink = Sink(options.batch_size)
        products = sink.writer(
            Product, ["tenant", "sku", "name", "brand", "category", "unit_price", "created_at"], with_ids=True
        )
        catalog_size = max(preset.products, min(800, options.customers // 200))
        by_category: dict[str, list[ProductRef]] = {}
        for item in build_catalog(rng, catalog_size):
            product_id = products.add(
                tenant.pk, item.sku, item.name, item.brand, item.category, item.unit_price,
                aware(start - timedelta(days=30), 9, 0, tz),
            )  # fmt: skip
            by_category.setdefault(item.category, []).append(
                ProductRef(product_id, item.category, item.unit_price, item.popularity)
            )
        customer_fields = [
            "tenant", "name", "account_number", "account_type", "status", "assigned_rep", "territory",
            "street", "city", "region", "postal_code", "country", "phone", "email", "licence_number",
            "licence_type", "notes", "latitude", "longitude", "created_at", "updated_at",
        ]  # fmt: skip
        writers = Writers(
            customers=sink.writer(Customer, customer_fields, with_ids=True),
            contacts=sink.writer(
                Contact, ["tenant", "customer", "name", "title", "email", "phone", "is_primary", "created_at"]
            ),
            orders=sink.writer(
                Order,
                [
                    "tenant",
                    "customer",
                    "rep",
                    "order_number",
                    "order_date",
                    "status",
                    "total",
                    "notes",
                    "created_at",
                ],
                with_ids=True,
            ),
            lines=sink.writer(
                OrderLine, ["tenant", "order", "product", "quantity", "unit_price", "line_total"]
            ),
            invoices=sink.writer(
                Invoice,
                [
                    "tenant",
                    "customer",
                    "order",
                    "invoice_number",
                    "amount",
                    "paid_amount",
                    "issued_on",
                    "due_on",
                    "created_at",
                ],
            ),
            activities=sink.writer(
                Activity,
                ["tenant", "customer", "user", "kind", "subject", "outcome", "occurred_at", "created_at"],
            ),
            tasks=sink.writer(
                Task,
                [
                    "tenant",
                    "title",
                    "description",
                    "customer",
                    "assigned_to",
                    "assigned_by",
                    "due_date",
                    "priority",
                    "status",
                    "completed_at",
                    "created_at",
                ],
            ),
            events=sink.writer(
                CalendarEvent,
                [
                    "tenant",
                    "title",
                    "user",
                    "customer",
                    "starts_at",
                    "ends_at",
                    "location",
                    "notes",
                    "created_at",
                ],
            ),
        )
        ctx = Context(
            tenant_id=tenant.pk,
            tz=tz,
            today=today,
            start=start,
            seed=options.seed,
            slug=preset.slug,
            account_prefix=preset.account_prefix,
            territories=_territories(preset, rep_ids, boss_of),
            products_by_category=by_category,
            pool_weights={category: cumulative(pool) for category, pool in by_category.items()},
            writers=writers,
            admin_id=admin.pk,
        )
        total = options.customers
        segments = allocate({k: v[0] for k, v in SEGMENTS.items()}, total, rng)
        intervals = allocate(INTERVALS, total, rng)
        payers = allocate(PAYERS, total, rng)
        builder = AccountBuilder(ctx)
        for index in range(total):
            builder.build(index + 1, segments[index], intervals[index], payers[index])
            if index % 50 == 49 or index == total - 1:
                progress(index + 1, total)
        _general_tasks(sink, ctx, rep_ids, boss_of)
        _quotas(sink, ctx, rep_ids, boss_of, admin.pk)
        sink.flush()
        # The sink's inserts bypass model signals: build every customer's facts as of the seed's day.
        facts_rebuild(tenant=tenant, as_of=today)
        _install_default_metrics(tenant)
    planner_statistics_refresh()
    return SeedResult(
        tenant=tenant, customers=total, orders=writers.orders.count, order_lines=writers.lines.count
    )
