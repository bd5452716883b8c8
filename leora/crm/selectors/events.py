"""Reads of calendar events, scoped to the tenant and the actor's role.

A rep sees their own events, a manager their team's, an admin the whole tenant's.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from leora.crm.models import CalendarEvent
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible
from leora.tenancy.actors import Actor

EVENT_ORDERING = {"starts_at", "ends_at", "title", "created_at"}


def as_tenant_time(actor: Actor, value: datetime) -> datetime:
    """Return ``value`` as an aware datetime, reading a naive one in the tenant's time zone."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, actor.tenant.tzinfo)
    return value


def visible_events(actor: Actor) -> QuerySet[CalendarEvent]:
    """Return the events ``actor`` may see, tenant first."""
    events = CalendarEvent.objects.for_tenant(actor.tenant)
    if actor.sees_whole_tenant:
        return events
    return events.filter(user_id__in=actor.team_user_ids)


def event_list(
    *,
    actor: Actor,
    search: str | None = None,
    user_id: int | None = None,
    customer_id: int | None = None,
    starts_from: datetime | None = None,
    starts_to: datetime | None = None,
) -> QuerySet[CalendarEvent]:
    """Return the visible events starting in ``[starts_from, starts_to)``, filtered; unordered."""
    if starts_from is not None:
        starts_from = as_tenant_time(actor, starts_from)
    if starts_to is not None:
        starts_to = as_tenant_time(actor, starts_to)
    check_range(starts_from, starts_to, low_field="starts_from", high_field="starts_to")
    events = visible_events(actor).select_related("user", "customer")
    if search:
        term = search.strip()
        events = events.filter(
            Q(title__icontains=term) | Q(location__icontains=term) | Q(customer__name__icontains=term)
        )
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if customer_id is not None:
        events = events.filter(customer_id=customer_id)
    if starts_from is not None:
        events = events.filter(starts_at__gte=starts_from)
    if starts_to is not None:
        events = events.filter(starts_at__lt=starts_to)
    return events


def event_get(*, actor: Actor, event_id: int) -> CalendarEvent:
    """Return one visible event; another tenant's or another rep's answers NotFound."""
    return get_visible(visible_events(actor).select_related("user", "customer"), event_id, "event")
