"""Reads of activities: visible exactly when their customer is."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from leora.crm.models import Activity
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible, scope_by_customer
from leora.tenancy.actors import Actor
from leora.tenancy.models import Tenant

ACTIVITY_ORDERING = {"occurred_at", "kind", "subject", "created_at", "customer__name"}


def aware_in_tenant(tenant: Tenant, moment: datetime) -> datetime:
    """Return ``moment`` in UTC, like every stored time; a naive one is read in the tenant's timezone."""
    aware = timezone.make_aware(moment, tenant.tzinfo) if timezone.is_naive(moment) else moment
    return aware.astimezone(UTC)


def _bound(tenant: Tenant, value: date | datetime | None, *, end: bool) -> datetime | None:
    """A date covers its whole day in the tenant's timezone: ``end`` bounds are exclusive next midnights."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return aware_in_tenant(tenant, value)
    day = value + timedelta(days=1) if end else value
    return timezone.make_aware(datetime.combine(day, time.min), tenant.tzinfo)


def _visible_activities(actor: Actor) -> QuerySet[Activity]:
    return scope_by_customer(Activity.objects.for_tenant(actor.tenant), actor).select_related(
        "customer", "user"
    )


def activity_list(
    *,
    actor: Actor,
    search: str | None = None,
    customer_id: int | None = None,
    user_id: int | None = None,
    kind: str | None = None,
    occurred_from: date | datetime | None = None,
    occurred_to: date | datetime | None = None,
) -> QuerySet[Activity]:
    """Return the visible activities, filtered; ordering is left to the caller."""
    start = _bound(actor.tenant, occurred_from, end=False)
    stop = _bound(actor.tenant, occurred_to, end=True)
    check_range(start, stop, low_field="occurred_from", high_field="occurred_to")
    activities = _visible_activities(actor)
    if search:
        term = search.strip()
        activities = activities.filter(
            Q(subject__icontains=term) | Q(outcome__icontains=term) | Q(customer__name__icontains=term)
        )
    if customer_id is not None:
        activities = activities.filter(customer_id=customer_id)
    if user_id is not None:
        activities = activities.filter(user_id=user_id)
    if kind:
        activities = activities.filter(kind=kind)
    if start is not None:
        activities = activities.filter(occurred_at__gte=start)
    if stop is not None:
        whole_days = isinstance(occurred_to, date) and not isinstance(occurred_to, datetime)
        activities = (
            activities.filter(occurred_at__lt=stop)
            if whole_days
            else activities.filter(occurred_at__lte=stop)
        )
    return activities


def activity_get(*, actor: Actor, activity_id: int) -> Activity:
    """Return one visible activity; another tenant's or another rep's answers NotFound."""
    return get_visible(_visible_activities(actor), activity_id, "activity")
