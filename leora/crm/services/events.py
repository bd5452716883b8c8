"""Writes of calendar events. Every change is atomic and writes an audit event in the same transaction.

An actor may change any event they can see: a rep their own, a manager their team's, an admin any;
moving an event to someone's calendar follows the same rule as assigning work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from leora.crm.models import CalendarEvent, Customer
from leora.crm.selectors.events import as_tenant_time
from leora.crm.services.common import assignable_rep, changed_fields, snapshot, visible_customer
from leora.errors import InvalidInput
from leora.tenancy.actors import Actor
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["title", "user", "customer", "starts_at", "ends_at", "location", "notes"]


def _visible_customer(actor: Actor, customer_id: int | None) -> Customer | None:
    return None if customer_id is None else visible_customer(actor=actor, customer_id=customer_id)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at < starts_at:
        raise InvalidInput.on("ends_at", "ends_at must be at or after starts_at")


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    user_id: int | None = None,
    customer_id: int | None = None,
    location: str = "",
    notes: str = "",
) -> CalendarEvent:
    """Create an event on the actor's calendar, or on that of someone in their scope."""
    starts_at, ends_at = as_tenant_time(actor, starts_at), as_tenant_time(actor, ends_at)
    _check_times(starts_at, ends_at)
    user = assignable_rep(actor=actor, user_id=actor.user.pk if user_id is None else user_id, field="user_id")
    customer = _visible_customer(actor, customer_id)
    event = CalendarEvent(
        tenant=actor.tenant, title=title, user=user, customer=customer, starts_at=starts_at,
        ends_at=ends_at, location=location, notes=notes,
    )  # fmt: skip
    event.save(force_insert=True)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="event.create", obj=event,
        after=snapshot(event, AUDITED_FIELDS),
    )  # fmt: skip
    return event


@transaction.atomic
def event_update(*, actor: Actor, event: CalendarEvent, changes: dict[str, Any]) -> CalendarEvent:
    """Apply ``changes`` to a visible event; an edit that changes nothing writes nothing."""
    changes = dict(changes)
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = as_tenant_time(actor, changes[name])
    _check_times(changes.get("starts_at", event.starts_at), changes.get("ends_at", event.ends_at))
    if "user_id" in changes:
        changes["user"] = assignable_rep(actor=actor, user_id=changes.pop("user_id"), field="user_id")
    if "customer_id" in changes:
        changes["customer"] = _visible_customer(actor, changes.pop("customer_id"))
    diff = changed_fields(event, changes)
    if not diff:
        return event
    before = snapshot(event, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(event, name, value)
    event.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="event.update", obj=event,
        before=before, after=snapshot(event, AUDITED_FIELDS),
    )  # fmt: skip
    return event


@transaction.atomic
def event_delete(*, actor: Actor, event: CalendarEvent) -> None:
    """Delete a visible event."""
    before = snapshot(event, AUDITED_FIELDS)
    event_id = event.pk
    event.delete()
    event.pk = event_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="event.delete", obj=event, before=before)
