"""Reads of weekly quotas: reps see their own, managers their team's, admins the whole tenant; and the
revenue each quota is measured against."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from leora.crm.models import Order, OrderStatus, SalesQuota
from leora.crm.selectors.orders import order_list
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import week_start
from leora.tenancy.models import Role, User
from leora.tenancy.selectors.members import visible_members

QUOTA_ORDERING = {"week_start", "revenue_target", "created_at", "user__email"}


def visible_quotas(actor: Actor) -> QuerySet[SalesQuota]:
    """Return the quotas the actor may see, scoped to the actor's tenant first."""
    quotas = SalesQuota.objects.for_tenant(actor.tenant).select_related("user", "set_by")
    if actor.sees_whole_tenant:
        return quotas
    return quotas.filter(user_id__in=actor.team_user_ids)


def quota_list(
    *,
    actor: Actor,
    search: str | None = None,
    user_id: int | None = None,
    week_start_from: date | None = None,
    week_start_to: date | None = None,
) -> QuerySet[SalesQuota]:
    """Return the visible quotas, filtered; ordering is left to the caller."""
    check_range(week_start_from, week_start_to, low_field="week_start_from", high_field="week_start_to")
    quotas = visible_quotas(actor)
    if search:
        term = search.strip()
        quotas = quotas.filter(Q(user__email__icontains=term) | Q(user__full_name__icontains=term))
    if user_id is not None:
        quotas = quotas.filter(user_id=user_id)
    if week_start_from is not None:
        quotas = quotas.filter(week_start__gte=week_start_from)
    if week_start_to is not None:
        quotas = quotas.filter(week_start__lte=week_start_to)
    return quotas


def quota_get(*, actor: Actor, quota_id: int) -> SalesQuota:
    """Return one visible quota; another tenant's or another team's answers NotFound."""
    return get_visible(visible_quotas(actor), quota_id, "quota")


# ------------------------------------------------------------------------------ revenue against quota


def revenue_orders(*, actor: Actor, date_from: date, date_to: date) -> QuerySet[Order]:
    """Return the orders that count as revenue between two days (inclusive): the visible orders that
    are not cancelled, by order date. Quotas are measured against these."""
    orders = order_list(actor=actor, order_date_from=date_from, order_date_to=date_to)
    return orders.exclude(status=OrderStatus.CANCELLED)


def rep_week_revenue(*, actor: Actor, week_from: date, week_to: date) -> dict[tuple[int, date], Decimal]:
    """Return the revenue of each rep's customers per week, keyed by (rep id, Monday), for the weeks
    from the one of ``week_from`` to the one of ``week_to``; weeks without revenue are absent.

    A rep's revenue is that of the customers assigned to them (as on the dashboard), in one query.
    """
    monday, last_monday = week_start(week_from), week_start(week_to)
    rows = (
        revenue_orders(actor=actor, date_from=monday, date_to=last_monday + timedelta(days=6))
        .filter(customer__assigned_rep_id__isnull=False)
        .prefetch_related(None)
        .order_by()
        .values("customer__assigned_rep_id", "order_date")
        .annotate(revenue=Sum("total"))
    )
    totals: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[(row["customer__assigned_rep_id"], week_start(row["order_date"]))] += row["revenue"]
    return dict(totals)


def attainment(revenue: Decimal | None, target: Decimal | None) -> int | None:
    """Return revenue as a whole percentage of target (rounded down, as the dashboard does); None
    without revenue to measure or without a positive target."""
    if revenue is None or not target:
        return None
    return int(revenue * 100 / target)


@dataclass(frozen=True)
class QuotaCell:
    """One person's week: the target (None when unset) and, for weeks that have begun, the revenue."""

    user_id: int
    week_start: date
    quota: SalesQuota | None
    revenue: Decimal | None

    @property
    def target(self) -> Decimal | None:
        return self.quota.revenue_target if self.quota is not None else None

    @property
    def attainment(self) -> int | None:
        return attainment(self.revenue, self.target)


@dataclass(frozen=True)
class QuotaTotal:
    """A week's targets and revenue summed over the rows shown."""

    week_start: date
    target: Decimal | None
    revenue: Decimal | None

    @property
    def attainment(self) -> int | None:
        return attainment(self.revenue, self.target)


@dataclass(frozen=True)
class QuotaRow:
    person: User
    cells: list[QuotaCell]
    last_week: QuotaCell


@dataclass(frozen=True)
class QuotaGrid:
    """People as rows and weeks as columns, with last week's result beside each person."""

    weeks: list[date]
    current_week: date
    last_week: date
    rows: list[QuotaRow]
    totals: list[QuotaTotal]


def quota_people(*, actor: Actor, user_ids: set[int] | frozenset[int] = frozenset()) -> QuerySet[User]:
    """Return the people whose targets the quota page shows, by name: the active sales reps the actor
    sees (their team, or the whole tenant for an admin), plus the visible ``user_ids`` (people who
    already have a target shown, whatever their role)."""
    members = visible_members(actor=actor)
    reps = members.filter(role=Role.SALES_REP, user__is_active=True).values("user_id")
    others = members.filter(user_id__in=user_ids).values("user_id")
    return User.objects.filter(Q(pk__in=reps) | Q(pk__in=others)).order_by("full_name", "email")


def quota_grid(*, actor: Actor, first_week: date, weeks: int, today: date) -> QuotaGrid:
    """Return ``weeks`` weeks of targets from the week of ``first_week``, for ``quota_people``, with
    revenue and attainment for every week that has begun by ``today`` (three queries, four when last
    week is far from the weeks shown)."""
    first = week_start(first_week)
    columns = [first + timedelta(weeks=n) for n in range(weeks)]
    current = week_start(today)
    last_week = current - timedelta(weeks=1)
    read_from, read_to = min(first, last_week), max(columns[-1], last_week)
    quotas = {
        (q.user_id, q.week_start): q
        for q in quota_list(actor=actor, week_start_from=read_from, week_start_to=read_to).filter(
            Q(week_start__in=columns) | Q(week_start=last_week)
        )
    }
    people = list(quota_people(actor=actor, user_ids={user_id for user_id, _ in quotas}))
    revenue: dict[tuple[int, date], Decimal] = {}
    if first - timedelta(weeks=1) <= last_week <= columns[-1]:
        # Last week is shown or just before the first week shown: one read covers both.
        revenue_from = min(first, last_week)
        revenue.update(
            rep_week_revenue(actor=actor, week_from=revenue_from, week_to=min(columns[-1], current))
        )
    else:
        revenue.update(rep_week_revenue(actor=actor, week_from=last_week, week_to=last_week))
        if first <= current:
            revenue.update(rep_week_revenue(actor=actor, week_from=first, week_to=min(columns[-1], current)))

    def cell(user_id: int, week: date) -> QuotaCell:
        earned = revenue.get((user_id, week), Decimal(0)) if week <= current else None
        return QuotaCell(user_id=user_id, week_start=week, quota=quotas.get((user_id, week)), revenue=earned)

    rows = [
        QuotaRow(
            person=person,
            cells=[cell(person.pk, week) for week in columns],
            last_week=cell(person.pk, last_week),
        )
        for person in people
    ]
    totals = []
    for index, week in enumerate(columns):
        cells = [row.cells[index] for row in rows]
        targets = [c.target for c in cells if c.target is not None]
        earned = [c.revenue for c in cells if c.revenue is not None]
        totals.append(
            QuotaTotal(
                week_start=week,
                target=sum(targets, Decimal(0)) if targets else None,
                revenue=sum(earned, Decimal(0)) if week <= current else None,
            )
        )
    return QuotaGrid(weeks=columns, current_week=current, last_week=last_week, rows=rows, totals=totals)
