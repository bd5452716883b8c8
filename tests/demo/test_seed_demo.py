"""`leora seed_demo`: deterministic, consistent demo tenants whose data shows every cadence state."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from statistics import median

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.test import Client

from leora.crm.models import (
    AccountType,
    Activity,
    CalendarEvent,
    Customer,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    SalesQuota,
    Task,
    TaskStatus,
)
from leora.demo.digest import tenant_digest
from leora.demo.generator import team_size, tenant_delete
from leora.tenancy.models import Membership, Role, Tenant, User
from leora.tenancy.scoping import scopes_disabled
from leora.tenancy.services.tokens import api_token_create

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def tenant(slug: str) -> Tenant:
    return Tenant.objects.get(slug=slug)


@pytest.fixture
def small_demo(unscoped: None) -> Tenant:
    seed("--tenant-slug", "demo", "--customers", "60", "--seed", "7")
    return tenant("demo")


@pytest.fixture
def both(unscoped: None) -> tuple[Tenant, Tenant]:
    seed("--customers", "60", "--seed", "7")
    return tenant("demo"), tenant("northwind")


def order_dates_by_customer(t: Tenant) -> dict[int, list[date]]:
    dates: dict[int, list[date]] = defaultdict(list)
    rows = (
        Order.objects.for_tenant(t)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("order_date")
        .values_list("customer_id", "order_date")
    )
    for customer_id, day in rows:
        dates[customer_id].append(day)
    return dates


def cadence(dates: list[date]) -> tuple[float, float] | None:
    """Return (usual interval, overdue ratio) as DOMAIN.md defines them, or None under 3 orders."""
    if len(dates) < 3:
        return None
    gaps = [(b - a).days for a, b in pairwise(dates)][-12:]
    interval = median(gaps)
    return interval, (TODAY - dates[-1]).days / interval


def test_the_same_seed_gives_the_same_data(small_demo: Tenant) -> None:
    first = tenant_digest(small_demo)
    tenant_delete(small_demo)
    seed("--tenant-slug", "demo", "--customers", "60", "--seed", "7")

    assert tenant_digest(tenant("demo")) == first


def test_another_seed_gives_other_data(small_demo: Tenant) -> None:
    first = tenant_digest(small_demo)
    seed("--tenant-slug", "demo", "--customers", "60", "--seed", "8", "--replace")

    assert tenant_digest(tenant("demo")) != first


def test_the_default_run_creates_both_tenants_with_the_documented_logins(unscoped: None) -> None:
    seed()
    demo, northwind = tenant("demo"), tenant("northwind")

    assert (demo.name, demo.timezone, demo.currency) == (
        "Cascade Wine & Spirits",
        "America/Los_Angeles",
        "USD",
    )
    assert Customer.objects.for_tenant(demo).count() == 300
    assert Customer.objects.for_tenant(northwind).count() == 40
    assert 140 <= Product.objects.for_tenant(demo).count() <= 160
    roles = dict(Membership.objects.filter(tenant=demo).values_list("user__email", "role"))
    assert roles == {
        "admin@demo.example": Role.ADMIN,
        "manager@demo.example": Role.MANAGER,
        **{f"rep{n}@demo.example": Role.SALES_REP for n in range(1, 5)},
    }
    assert Membership.objects.get(tenant=northwind, user__email="admin@northwind.example").role == Role.ADMIN


def test_every_aging_bucket_has_open_invoices_in_the_default_demo(unscoped: None) -> None:
    seed("--tenant-slug", "demo")
    open_invoices = [
        (TODAY - due).days
        for amount, paid, due in Invoice.objects.for_tenant(tenant("demo")).values_list(
            "amount", "paid_amount", "due_on"
        )
        if paid < amount
    ]
    buckets = {
        "current": [d for d in open_invoices if d <= 0],
        "1-30": [d for d in open_invoices if 1 <= d <= 30],
        "31-60": [d for d in open_invoices if 31 <= d <= 60],
        "61-90": [d for d in open_invoices if 61 <= d <= 90],
        "90+": [d for d in open_invoices if d > 90],
    }
    assert all(buckets.values()), {name: len(days) for name, days in buckets.items()}


def test_reps_report_to_the_manager_and_everyone_can_log_in(small_demo: Tenant) -> None:
    manager = User.objects.get(email="manager@demo.example")
    reps = Membership.objects.filter(tenant=small_demo, role=Role.SALES_REP)

    assert reps.count() == 4
    assert {m.manager_id for m in reps} == {manager.pk}
    for membership in Membership.objects.filter(tenant=small_demo).select_related("user"):
        assert " " in membership.user.full_name
        assert authenticate(username=membership.user.email, password="leora-demo") == membership.user


def test_a_seeded_rep_sees_only_their_own_book_through_the_api(small_demo: Tenant) -> None:
    rep = User.objects.get(email="rep1@demo.example")
    token = api_token_create(tenant=small_demo, user=rep).plaintext

    response = Client().get("/api/customers?page_size=200", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    own = Customer.objects.for_tenant(small_demo).filter(assigned_rep=rep).count()
    assert own > 0
    assert response.json()["total"] == own


def test_the_two_tenants_share_nothing(both: tuple[Tenant, Tenant]) -> None:
    demo, northwind = both
    northwind_users = set(Membership.objects.filter(tenant=northwind).values_list("user_id", flat=True))
    demo_users = set(Membership.objects.filter(tenant=demo).values_list("user_id", flat=True))

    assert not northwind_users & demo_users
    assert Customer.objects.for_tenant(northwind).count() == 40
    assert set(Customer.objects.for_tenant(northwind).values_list("assigned_rep_id", flat=True)) <= (
        northwind_users | {None}
    )
    assert not Order.objects.for_tenant(northwind).filter(customer__tenant=demo).exists()
    assert not OrderLine.objects.for_tenant(northwind).filter(product__tenant=demo).exists()
    admin = User.objects.get(email="admin@northwind.example")
    token = api_token_create(tenant=northwind, user=admin).plaintext
    response = Client().get("/api/customers?page_size=200", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["total"] == 40


def test_the_accounts_show_every_cadence_state(small_demo: Tenant) -> None:
    dates = order_dates_by_customer(small_demo)
    measured = {c: cadence(d) for c, d in dates.items()}
    intervals = [m[0] for m in measured.values() if m]
    ratios = [m[1] for m in measured.values() if m]
    customers = Customer.objects.for_tenant(small_demo)

    assert any(i <= 8 for i in intervals), "weekly buyers"
    assert any(13 <= i <= 15 for i in intervals), "fortnightly buyers"
    assert any(28 <= i <= 32 for i in intervals), "monthly buyers"
    assert any(r <= 1.25 for r in ratios), "healthy"
    assert any(1.25 < r < 1.5 for r in ratios), "slipping"
    assert any(1.5 <= r < 3 for r in ratios), "at risk"
    assert any((TODAY - d[-1]).days >= 90 for d in dates.values()), "dormant"
    assert any((TODAY - d[0]).days <= 60 for d in dates.values()), "new"
    assert customers.filter(account_type=AccountType.PROSPECT).exclude(pk__in=dates).exists()
    assert customers.filter(account_type=AccountType.TARGET).exclude(pk__in=dates).exists()


def test_account_types_match_the_order_history(small_demo: Tenant) -> None:
    dates = order_dates_by_customer(small_demo)
    for customer in Customer.objects.for_tenant(small_demo):
        history = dates.get(customer.pk, [])
        if customer.account_type == AccountType.PROSPECT:
            assert not history
        elif customer.account_type == AccountType.ACTIVE:
            assert history
        else:  # a target is a prospect or a lapsed account being worked
            assert not history or (TODAY - history[-1]).days >= 90


def test_some_accounts_decline_and_some_narrow_their_mix(small_demo: Tenant) -> None:
    recent, prior = TODAY - timedelta(days=90), TODAY - timedelta(days=180)
    lines = OrderLine.objects.for_tenant(small_demo).exclude(order__status=OrderStatus.CANCELLED)
    revenue: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    products: dict[int, list[set[int]]] = defaultdict(lambda: [set(), set()])
    for customer_id, day, product_id, total in lines.values_list(
        "order__customer_id", "order__order_date", "product_id", "line_total"
    ):
        if day > recent:
            revenue[customer_id][0] += total
            products[customer_id][0].add(product_id)
        elif day > prior:
            revenue[customer_id][1] += total
            products[customer_id][1].add(product_id)

    assert any(0 < last <= before * Decimal("0.75") for last, before in revenue.values())
    assert any(0 < len(last) <= len(before) / 3 for last, before in products.values())


def test_order_totals_are_the_sum_of_their_lines(small_demo: Tenant) -> None:
    orders = Order.objects.for_tenant(small_demo)
    sums = orders.annotate(lines_total=Sum("lines__line_total"), n=Count("lines"))

    assert orders.count() > 300
    assert all(
        n >= 1 and total == summed for total, summed, n in sums.values_list("total", "lines_total", "n")
    )
    lines = OrderLine.objects.for_tenant(small_demo).values_list("unit_price", "quantity", "line_total")
    # Compared in Python: SQLite stores decimals as floating point, so equality in SQL is unreliable.
    assert all(price * quantity == total for price, quantity, total in lines)
    assert orders.filter(status=OrderStatus.CANCELLED).exists()


def test_every_kept_order_has_a_consistent_invoice(small_demo: Tenant) -> None:
    invoices = Invoice.objects.for_tenant(small_demo).select_related("order")
    kept = Order.objects.for_tenant(small_demo).exclude(status=OrderStatus.CANCELLED)

    assert invoices.count() == kept.count()
    assert not invoices.filter(order__status=OrderStatus.CANCELLED).exists()
    states: dict[str, int] = defaultdict(int)
    for invoice in invoices:
        assert invoice.order is not None and invoice.amount == invoice.order.total
        assert invoice.customer_id == invoice.order.customer_id
        assert Decimal(0) <= invoice.paid_amount <= invoice.amount
        assert invoice.due_on == invoice.issued_on + timedelta(days=30)
        paid = "paid" if invoice.balance == 0 else ("open" if invoice.paid_amount == 0 else "partial")
        states[paid] += 1
    assert states["paid"] > states["open"] > 0
    assert states["partial"] > 0


def test_reps_work_their_accounts_with_activities_tasks_and_events(small_demo: Tenant) -> None:
    manager = User.objects.get(email="manager@demo.example")
    activities = Activity.objects.for_tenant(small_demo).select_related("customer")
    tasks = Task.objects.for_tenant(small_demo)

    assert activities.count() > 60
    assert all(a.user_id == a.customer.assigned_rep_id for a in activities)
    assert len(set(activities.values_list("kind", flat=True))) == 5
    from_manager = tasks.filter(assigned_by=manager)
    assert from_manager.filter(status=TaskStatus.DONE).exists()
    assert from_manager.filter(status=TaskStatus.OPEN, due_date__lt=TODAY).exists()
    assert from_manager.filter(due_date__gte=TODAY).exists()
    upcoming = CalendarEvent.objects.for_tenant(small_demo).filter(starts_at__date__gt=TODAY)
    assert upcoming.exists()


def test_weekly_quotas_start_on_mondays_and_cover_past_and_coming_weeks(small_demo: Tenant) -> None:
    quotas = SalesQuota.objects.for_tenant(small_demo)
    rep = User.objects.get(email="rep1@demo.example")
    weeks = list(quotas.filter(user=rep).order_by("week_start").values_list("week_start", flat=True))

    assert all(week.weekday() == 0 for week in weeks)
    assert weeks[0] <= TODAY - timedelta(days=700)
    assert weeks[-1] >= TODAY + timedelta(days=28)
    assert quotas.filter(revenue_target__gt=0).count() > quotas.count() / 2


def test_if_empty_leaves_an_existing_tenant_alone(small_demo: Tenant) -> None:
    before = tenant_digest(small_demo)

    output = seed("--tenant-slug", "demo", "--customers", "80", "--if-empty")

    assert "already exists" in output
    assert tenant_digest(tenant("demo")) == before
    assert Customer.objects.for_tenant(small_demo).count() == 60


def test_an_existing_tenant_without_replace_is_a_clear_error(small_demo: Tenant) -> None:
    with pytest.raises(CommandError, match=r"already exists\. Pass --replace"):
        seed("--tenant-slug", "demo", "--customers", "60")


def test_a_slug_that_cannot_name_an_email_domain_is_refused(unscoped: None) -> None:
    with pytest.raises(CommandError, match="--tenant-slug must be lowercase"):
        seed("--tenant-slug", "Bad Slug!", "--customers", "3")

    assert not Tenant.objects.exists()


def test_replace_removes_the_old_tenant_and_its_users_first(small_demo: Tenant) -> None:
    seed("--tenant-slug", "demo", "--customers", "30", "--replace")

    assert Tenant.objects.filter(slug="demo").count() == 1
    assert Customer.objects.for_tenant(tenant("demo")).count() == 30
    assert not Customer.objects.for_tenant(small_demo.pk).exists()
    assert User.objects.filter(email="rep1@demo.example").count() == 1


def test_teams_grow_with_the_book() -> None:
    assert team_size(300, 4) == (4, 1)
    assert team_size(100_000, 4) == (400, 50)


def test_the_scope_guard_is_restored_after_seeding(small_demo: Tenant) -> None:
    with scopes_disabled():
        assert Customer.objects.count() == 60
