"""Reads behind the home page: what the signed-in user's book looks like this week.

Everything is scoped to the actor's tenant first and then to their role: a rep sees their own
accounts, tasks and quota; a manager their team's; an admin the whole tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from leora.crm.models import OPEN_TASK_STATUSES, AccountType, Activity, OrderStatus, Task
from leora.crm.selectors.activities import activity_list
from leora.crm.selectors.orders import order_list
from leora.crm.selectors.quotas import quota_list
from leora.crm.selectors.tasks import task_list, task_ordering
from leora.crm.visibility import visible_customers
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today, week_bounds


def customer_counts_by_type(*, actor: Actor) -> dict[str, int]:
    """Return {account type: number of visible customers}, every type present (zero when none)."""
    counts = {choice.value: 0 for choice in AccountType}
    rows = visible_customers(actor).order_by().values("account_type").annotate(n=Count("id"))
    for row in rows:
        counts[row["account_type"]] = row["n"]
    return counts


def open_tasks_due_by(*, actor: Actor, last_day: date) -> QuerySet[Task]:
    """Return the open tasks the actor sees (``task_list``: the same rule as /api/tasks and the task
    page) due on or before ``last_day``, overdue ones included, soonest first."""
    tasks = task_list(actor=actor, statuses=OPEN_TASK_STATUSES, due_to=last_day)
    return task_ordering(tasks, None)


@dataclass(frozen=True)
class WeekRevenue:
    week_start: date
    week_end: date
    revenue: Decimal
    quota: Decimal | None

    @property
    def percent(self) -> int | None:
        """Return revenue as a whole percentage of quota, or None when there is no quota."""
        if not self.quota:
            return None
        return int(self.revenue * 100 / self.quota)


def week_revenue(*, actor: Actor, now: datetime | None = None) -> WeekRevenue:
    """Return this week's revenue (orders not cancelled) of the actor's visible customers and quota.

    The quota is the actor's own for a rep, the sum over their team for a manager and over the
    tenant for an admin; None when nobody set one this week.
    """
    monday, sunday = week_bounds(actor.tenant, now)
    orders = order_list(actor=actor, order_date_from=monday, order_date_to=sunday)
    revenue = orders.exclude(status=OrderStatus.CANCELLED).aggregate(total=Sum("total"))["total"]
    quotas = quota_list(actor=actor, week_start_from=monday, week_start_to=monday)
    quota = quotas.aggregate(total=Sum("revenue_target"))["total"]
    return WeekRevenue(week_start=monday, week_end=sunday, revenue=revenue or Decimal("0"), quota=quota)


def recent_activities(*, actor: Actor, limit: int = 8) -> list[Activity]:
    """Return the latest activities on the actor's visible customers, newest first."""
    return list(activity_list(actor=actor).order_by("-occurred_at", "-pk")[:limit])


@dataclass(frozen=True)
class DashboardSummary:
    today: date
    customer_counts: dict[str, int]
    tasks_due: list[Task]
    tasks_due_total: int
    revenue: WeekRevenue
    activities: list[Activity]

    @property
    def customers_total(self) -> int:
        return sum(self.customer_counts.values())

    @property
    def customer_types(self) -> list[tuple[str, str, int]]:
        """Return (type, label, count) with the accounts that order first."""
        order = (AccountType.ACTIVE, AccountType.TARGET, AccountType.PROSPECT)
        return [(t.value, str(t.label), self.customer_counts.get(t.value, 0)) for t in order]


def dashboard_summary(*, actor: Actor, task_limit: int = 6, activity_limit: int = 8) -> DashboardSummary:
    """Return everything the home page shows, in a fixed number of queries (six)."""
    revenue = week_revenue(actor=actor)
    tasks = open_tasks_due_by(actor=actor, last_day=revenue.week_end)
    return DashboardSummary(
        today=tenant_today(actor.tenant),
        customer_counts=customer_counts_by_type(actor=actor),
        tasks_due=list(tasks[:task_limit]),
        tasks_due_total=tasks.count(),
        revenue=revenue,
        activities=recent_activities(actor=actor, limit=activity_limit),
    )
