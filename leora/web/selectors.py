"""Reads behind the home page: what the signed-in user's book looks like this week.

Everything is scoped to the actor's tenant first and then to their role: a rep sees their own
accounts, tasks and quota; a manager their team's; an admin the whole tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from leora.crm.models import OPEN_TASK_STATUSES, AccountType, Activity, Order, OrderStatus, SalesQuota, Task
from leora.crm.visibility import scope_by_customer, visible_customers
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today, week_bounds


def customer_counts_by_type(*, actor: Actor) -> dict[str, int]:
    """Return {account type: number of visible customers}, every type present (zero when none)."""
    counts = {choice.value: 0 for choice in AccountType}
    rows = visible_customers(actor).order_by().values("account_type").annotate(n=Count("id"))
    for row in rows:
        counts[row["account_type"]] = row["n"]
    return counts


def visible_tasks(actor: Actor) -> QuerySet[Task]:
    """Return the tasks the actor may see: assigned to them (or their team; the tenant for admins)."""
    tasks = Task.objects.for_tenant(actor.tenant)
    if actor.sees_whole_tenant:
        return tasks
    return tasks.filter(assigned_to_id__in=actor.team_user_ids)


def open_tasks_due_by(*, actor: Actor, last_day: date) -> QuerySet[Task]:
    """Return visible open tasks due on or before ``last_day`` (overdue ones included), soonest first."""
    return (
        visible_tasks(actor)
        .filter(status__in=OPEN_TASK_STATUSES, due_date__lte=last_day)
        .select_related("customer", "assigned_to")
        .order_by("due_date", "pk")
    )


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
    orders = scope_by_customer(Order.objects.for_tenant(actor.tenant), actor).filter(
        order_date__range=(monday, sunday)
    )
    revenue = orders.exclude(status=OrderStatus.CANCELLED).aggregate(total=Sum("total"))["total"]
    quotas = SalesQuota.objects.for_tenant(actor.tenant).filter(week_start=monday)
    if not actor.sees_whole_tenant:
        quotas = quotas.filter(user_id__in=actor.team_user_ids)
    quota = quotas.aggregate(total=Sum("revenue_target"))["total"]
    return WeekRevenue(week_start=monday, week_end=sunday, revenue=revenue or Decimal("0"), quota=quota)


def recent_activities(*, actor: Actor, limit: int = 8) -> list[Activity]:
    """Return the latest activities on the actor's visible customers, newest first."""
    activities = scope_by_customer(Activity.objects.for_tenant(actor.tenant), actor)
    return list(activities.select_related("customer", "user").order_by("-occurred_at", "-pk")[:limit])


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
