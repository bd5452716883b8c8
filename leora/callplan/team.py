"""The team's week for managers: per rep, what is planned and contacted, and how much of the accounts
that need attention (the tenant's due and at-risk segments, as the ranking reads them) the plan covers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from leora.callplan.generation import _segment_members, evaluation_day
from leora.callplan.models import CallPlanItem
from leora.callplan.reasons import ranking_of
from leora.crm.models import Activity, SalesQuota
from leora.crm.visibility import visible_customers
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.calendar import tenant_midnight
from leora.tenancy.models import Membership, Role, User

ATTENTION_REASONS = ("due_to_order", "at_risk")


def team_people(actor: Actor) -> list[User]:
    """The people whose week the actor reviews: a manager's reps (and themselves when they have a
    book), an admin's whole tenant of people with a book."""
    members = Membership.objects.filter(tenant=actor.tenant, user__is_active=True).select_related("user")
    with_books = visible_customers(actor).filter(assigned_rep__isnull=False).values("assigned_rep_id")
    members = members.filter(user_id__in=with_books)
    if not actor.is_admin:
        members = members.filter(user_id__in=actor.team_user_ids)
    return [m.user for m in members.order_by("user__full_name", "user_id")]


def team_week(*, actor: Actor, monday: date) -> dict[str, Any]:
    """Per rep: plan counts, coverage of the due and at-risk accounts, expected value against quota."""
    require_role(actor, Role.ADMIN, Role.MANAGER, message="the team's plans are for managers and admins")
    people = team_people(actor)
    ids = [p.pk for p in people]
    tenant = actor.tenant
    items = list(
        CallPlanItem.objects.for_tenant(tenant)
        .filter(plan__week_start=monday, plan__user_id__in=ids, removed_at__isnull=True)
        .values("plan__user_id", "plan__generated_at", "customer_id", "expected_value", "completed_at")
    )
    contacted_rows = (
        Activity.objects.for_tenant(tenant)
        .filter(
            user_id__in=ids,
            occurred_at__gte=tenant_midnight(tenant, monday),
            occurred_at__lt=tenant_midnight(tenant, monday + timedelta(days=7)),
        )
        .values_list("user_id", "customer_id")
        .distinct()
    )
    contacted: dict[int, set[int]] = defaultdict(set)
    for user_id, customer_id in contacted_rows:
        contacted[user_id].add(customer_id)
    attention: set[int] = set()
    ranking = ranking_of(tenant)
    day = evaluation_day(tenant, monday)
    for key in ATTENTION_REASONS:
        found = _segment_members(tenant, ranking.get(key).metrics, actor, day)
        if found is not None:
            attention |= found[0]
    owners = dict(visible_customers(actor).filter(pk__in=attention).values_list("pk", "assigned_rep_id"))
    quotas = dict(
        SalesQuota.objects.for_tenant(tenant).filter(user_id__in=ids, week_start=monday)
        .values_list("user_id", "revenue_target")
    )  # fmt: skip
    reps = []
    for person in people:
        mine = [i for i in items if i["plan__user_id"] == person.pk]
        planned = {i["customer_id"] for i in mine}
        done = {i["customer_id"] for i in mine if i["completed_at"]} | (planned & contacted[person.pk])
        needs = {cid for cid, rep in owners.items() if rep == person.pk}
        reps.append(
            {
                "user": person,
                "generated_at": mine[0]["plan__generated_at"] if mine else None,
                "planned": len(planned),
                "contacted": len(done),
                "not_contacted": len(planned - done),
                "due_or_at_risk": len(needs),
                "due_or_at_risk_planned": len(needs & planned),
                "due_or_at_risk_contacted": len(needs & (contacted[person.pk] | done)),
                "expected_value": sum((i["expected_value"] for i in mine), Decimal("0")),
                "quota": quotas.get(person.pk),
            }
        )
    return {"week_start": monday, "reps": reps}
