"""Reads of call plans, always from the actor's tenant and the people the actor may see.

A rep sees their own plans, a manager their team's, an admin everyone's; a plan or item of anyone
else (or of another tenant) answers 404 like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from leora.callplan.models import CallPlan, CallPlanItem, RepPlanSettings
from leora.crm.models import Activity, SalesQuota
from leora.errors import InvalidInput, NotFound
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_midnight, week_start
from leora.tenancy.models import Membership, User

WORKING_DAYS = 5


def parse_week(value: str, field: str = "week") -> date:
    """Return the Monday a ``YYYY-MM-DD`` names; a bad date or another weekday is a 422 on ``field``."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.on(field, "give the week as its Monday's date, YYYY-MM-DD") from None
    if day != week_start(day):
        raise InvalidInput.on(field, f"{day.isoformat()} is a {day:%A}; a week is given by its Monday")
    return day


def plan_person(*, actor: Actor, user_id: int | None) -> User:
    """Return whose plan the actor asks for: themselves, or someone they may see (else 404)."""
    if user_id is None or user_id == actor.user.pk:
        return actor.user
    if not actor.can_see_user(user_id):
        raise NotFound("no such person in your team")
    membership = (
        Membership.objects.filter(tenant=actor.tenant, user_id=user_id).select_related("user").first()
    )
    if membership is None:
        raise NotFound("no such person in your team")
    return membership.user


def visible_plans(actor: Actor) -> QuerySet[CallPlan]:
    plans = CallPlan.objects.for_tenant(actor.tenant)
    if actor.is_admin:
        return plans
    return plans.filter(user_id__in=actor.team_user_ids)


def visible_items(actor: Actor) -> QuerySet[CallPlanItem]:
    items = CallPlanItem.objects.for_tenant(actor.tenant)
    if actor.is_admin:
        return items
    return items.filter(plan__user_id__in=actor.team_user_ids)


def plan_get(*, actor: Actor, user: User, monday: date) -> CallPlan | None:
    """Return ``user``'s plan for the week (None before it was ever generated)."""
    return visible_plans(actor).filter(user=user, week_start=monday).select_related("user").first()


def plan_items(*, actor: Actor, plan: CallPlan) -> list[CallPlanItem]:
    """The plan's items with their customers, proposal rank first then by day and position."""
    return list(
        visible_items(actor).filter(plan=plan).select_related("customer", "event").order_by("rank", "pk")
    )


def item_get(*, actor: Actor, item_id: int) -> CallPlanItem:
    item = (
        visible_items(actor)
        .select_related("plan", "plan__user", "customer", "event")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound("plan item not found")
    return item


def rep_settings(*, actor: Actor, user: User) -> RepPlanSettings:
    """The person's planning settings, unsaved defaults when they never changed them."""
    found = RepPlanSettings.objects.for_tenant(actor.tenant).filter(user=user).first()
    return found or RepPlanSettings(tenant=actor.tenant, user=user)


def day_items(items: list[CallPlanItem], day: date) -> list[CallPlanItem]:
    """A day's stops in the rep's order: position, then time, then rank."""
    on_day = [i for i in items if i.scheduled_date == day and not i.removed_at]
    return sorted(on_day, key=lambda i: (i.position, i.scheduled_time or datetime.min.time(), i.rank, i.pk))


def contacted_ids(*, actor: Actor, user: User, day_from: date, day_to: date) -> dict[int, set[date]]:
    """Per customer, the days in [day_from, day_to] on which ``user`` logged an activity with them."""
    tz = actor.tenant.tzinfo
    rows = (
        Activity.objects.for_tenant(actor.tenant)
        .filter(
            user=user,
            occurred_at__gte=tenant_midnight(actor.tenant, day_from),
            occurred_at__lt=tenant_midnight(actor.tenant, day_to + timedelta(days=1)),
        )
        .values_list("customer_id", "occurred_at")
    )
    found: dict[int, set[date]] = {}
    for customer_id, occurred in rows:
        found.setdefault(customer_id, set()).add(occurred.astimezone(tz).date())
    return found


@dataclass(frozen=True)
class PlanTotals:
    proposed: int
    scheduled: int
    completed: int
    expected_value: Decimal
    quota: Decimal | None


def plan_totals(*, actor: Actor, user: User, monday: date, items: list[CallPlanItem]) -> PlanTotals:
    """Counts and the expected revenue of the plan's live items, with the week's quota when set."""
    live = [i for i in items if not i.removed_at]
    found = SalesQuota.objects.for_tenant(actor.tenant).filter(user=user, week_start=monday).first()
    quota = found.revenue_target if found is not None else None
    return PlanTotals(
        proposed=len(live),
        scheduled=sum(1 for i in live if i.scheduled_date),
        completed=sum(1 for i in live if i.completed_at),
        expected_value=sum((i.expected_value for i in live), Decimal("0")),
        quota=quota,
    )
