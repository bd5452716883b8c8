"""Reads of the team feature: the people an actor sees, each with the size of their book, and how
each rep's week is going.

Tenancy knows people and the CRM knows customers; this is the one place they meet, so the Team pages
and ``/api/users`` list and count people by the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet

from leora.crm.selectors.activities import activity_list
from leora.crm.selectors.books import book_size
from leora.crm.selectors.quotas import QuotaCell, quota_grid
from leora.errors import InvalidInput, NotFound
from leora.metrics.evaluation import metric_customers
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import week_start
from leora.tenancy.models import Membership, User
from leora.tenancy.selectors.members import MEMBER_ORDERING, assignable_people, member_list

# The tenant's segment metric behind "customers at risk"; admins define what it means.
AT_RISK_METRIC = "at_risk_customer"

TEAM_MEMBER_ORDERING = MEMBER_ORDERING | {"customer_count"}


def team_member_list(
    *,
    actor: Actor,
    search: str | None = None,
    role: str | None = None,
    manager_id: int | None = None,
    is_active: bool | None = None,
) -> QuerySet[Membership]:
    """Return the members the actor may see (``member_list``, filtered the same way), each annotated
    with ``customer_count``, the customers assigned to them, in the same query. Ordering is left to the
    caller (``TEAM_MEMBER_ORDERING`` names the sortable fields)."""
    members = member_list(actor=actor, search=search, role=role, manager_id=manager_id, is_active=is_active)
    return members.annotate(customer_count=book_size(tenant=actor.tenant, person_field="user_id"))


def team_member_get(*, actor: Actor, user_id: int) -> Membership:
    """Return one visible member, annotated like ``team_member_list``; anyone else raises NotFound."""
    member = team_member_list(actor=actor).filter(user_id=user_id).first()
    if member is None:
        raise NotFound("user not found")
    return member


def reassign_targets(*, actor: Actor, member: Membership) -> QuerySet[User]:
    """Return the people ``member``'s customers may move to: whom the actor may hand work to
    (``assignable_people``, the rule ``customers_reassign`` checks), except the member themselves."""
    return assignable_people(actor=actor).exclude(pk=member.user_id)


@dataclass(frozen=True)
class RepPerformance:
    """One rep's week: revenue against quota this week and last, activities logged this week, and how
    many of their customers the tenant's ``at_risk_customer`` metric counts (None without the metric)."""

    person: User
    this_week: QuotaCell
    last_week: QuotaCell
    activities: int
    at_risk: int | None


@dataclass(frozen=True)
class TeamPerformance:
    week_start: date
    week_end: date
    last_week_start: date
    rows: list[RepPerformance]
    at_risk_known: bool


def team_performance(*, actor: Actor, today: date) -> TeamPerformance:
    """Return each rep the actor leads (the people of the quota page: their team, or every rep for an
    admin) with their week, read through the quota, activity and metric selectors: revenue is the
    quotas' definition, activities are those each person logged on customers the actor sees, and at
    risk is the tenant's own metric, never a threshold of ours. A fixed number of queries."""
    monday = week_start(today)
    sunday = monday + timedelta(days=6)
    grid = quota_grid(actor=actor, first_week=monday, weeks=1, today=today)
    logged = (
        activity_list(actor=actor, occurred_from=monday, occurred_to=sunday)
        .order_by()
        .values("user_id")
        .annotate(count=Count("pk"))
    )
    activities = {row["user_id"]: row["count"] for row in logged}
    at_risk: dict[int, int] | None
    try:
        segment = metric_customers(actor.tenant, AT_RISK_METRIC, actor, today=today)
    except (NotFound, InvalidInput):
        # The admins removed the metric or made it a value metric: show no count rather than our own.
        at_risk = None
    else:
        counted = segment.order_by().values("assigned_rep_id").annotate(count=Count("pk"))
        at_risk = {row["assigned_rep_id"]: row["count"] for row in counted}
    rows = [
        RepPerformance(
            person=row.person,
            this_week=row.cells[0],
            last_week=row.last_week,
            activities=activities.get(row.person.pk, 0),
            at_risk=None if at_risk is None else at_risk.get(row.person.pk, 0),
        )
        for row in grid.rows
    ]
    return TeamPerformance(
        week_start=monday,
        week_end=sunday,
        last_week_start=grid.last_week,
        rows=rows,
        at_risk_known=at_risk is not None,
    )
