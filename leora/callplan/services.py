"""Writes of call plans: generating on demand, shaping the week (day, time, order, action, removal),
completing a stop, and the tenant's and reps' planning settings.

A stop done in person (a visit or a tasting) that has a day is an event on the rep's calendar, kept
in step through crm's event services: scheduling creates it, moving moves it, unscheduling, removing
or turning it into a call deletes it. Every change is atomic with its audit row.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from leora.callplan.models import (
    IN_PERSON_ACTIONS,
    CallPlan,
    CallPlanItem,
    CallPlanSettings,
    ItemSource,
    PlanAction,
    RepPlanSettings,
)
from leora.callplan.reasons import check_settings, settings_of
from leora.callplan.route import point_of, route_order
from leora.callplan.selectors import plan_person, rep_settings
from leora.crm.models import CalendarEvent
from leora.crm.services.activities import activity_create
from leora.crm.services.common import snapshot, visible_customer
from leora.crm.services.events import event_create, event_delete, event_update
from leora.errors import Conflict, InvalidInput
from leora.jobs.models import Job
from leora.jobs.queue import job_enqueue
from leora.metrics.models import MetricDefinition, MetricKind
from leora.notifications.services import notification_create
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role
from leora.tenancy.services.audit import audit_record

# A visit without a time starts at 09:00; every visit books this long on the calendar.
DEFAULT_VISIT_START = time(9, 0)
VISIT_MINUTES = 45
AUDITED_FIELDS = ["action", "scheduled_date", "scheduled_time", "position", "removed_reason", "note"]


def plan_generate_request(*, actor: Actor, monday: date, user_id: int | None = None) -> Job:
    """Enqueue the generation of one person's plan (the actor's, or a team member's); return the job.
    A request while the same one is still waiting returns that job."""
    person = plan_person(actor=actor, user_id=user_id)
    return job_enqueue(
        job_type="callplan_generate",
        payload={"week_start": monday.isoformat(), "user_ids": [person.pk]},
        tenant=actor.tenant,
        created_by=actor.user,
        idempotency_key=f"callplan:{person.pk}:{monday.isoformat()}",
    )


def _event_times(item: CallPlanItem, actor: Actor) -> tuple[datetime, datetime]:
    assert item.scheduled_date is not None
    starts = timezone.make_aware(
        datetime.combine(item.scheduled_date, item.scheduled_time or DEFAULT_VISIT_START), actor.tenant.tzinfo
    )
    return starts, starts + timedelta(minutes=VISIT_MINUTES)


def _live_event(actor: Actor, item: CallPlanItem) -> CalendarEvent | None:
    if item.event_id is None:
        return None
    return CalendarEvent.objects.for_tenant(actor.tenant).filter(pk=item.event_id).first()


def _sync_event(actor: Actor, item: CallPlanItem) -> None:
    """Make the rep's calendar agree with the item: an event exactly for an in-person stop with a day."""
    wanted = bool(item.scheduled_date) and item.action in IN_PERSON_ACTIONS and not item.removed_at
    event = _live_event(actor, item)
    if not wanted:
        if event is not None:
            event_delete(actor=actor, event=event)
        item.event = None
        return
    starts, ends = _event_times(item, actor)
    if event is None:
        item.event = event_create(
            actor=actor,
            title=f"{PlanAction(item.action).label}: {item.customer.name}",
            starts_at=starts,
            ends_at=ends,
            user_id=item.plan.user_id,
            customer_id=item.customer_id,
            location=item.customer.address[:200],
        )
        return
    if event.starts_at != starts:
        # Keep a length the rep gave the event on the calendar.
        length = max(event.ends_at - event.starts_at, timedelta(0))
        event_update(actor=actor, event=event, changes={"starts_at": starts, "ends_at": starts + length})


def _renumber_day(tenant_id: int, plan_id: int, day: date, moved: CallPlanItem, position: int | None) -> None:
    """Put ``moved`` at ``position`` of its day (the end when None) and number the day 0, 1, 2, ..."""
    others = list(
        CallPlanItem.objects.for_tenant(tenant_id)
        .filter(plan_id=plan_id, scheduled_date=day, removed_at__isnull=True)
        .exclude(pk=moved.pk)
        .order_by("position", "scheduled_time", "rank", "pk")
    )
    index = len(others) if position is None else max(0, min(position, len(others)))
    others.insert(index, moved)
    for number, item in enumerate(others):
        item.position = number
    CallPlanItem.objects.bulk_update([i for i in others if i.pk != moved.pk], ["position"])


@transaction.atomic
def item_update(*, actor: Actor, item: CallPlanItem, changes: dict[str, Any]) -> CallPlanItem:
    """Apply ``changes`` (scheduled_date, scheduled_time, position, action, removed_reason, note) to a
    visible item and keep the rep's calendar in step; return the item."""
    item = CallPlanItem.objects.select_for_update().select_related("plan", "customer").get(pk=item.pk)
    before = snapshot(item, AUDITED_FIELDS)
    plan: CallPlan = item.plan
    old_day = item.scheduled_date
    if "action" in changes:
        if changes["action"] not in PlanAction.values:
            raise InvalidInput.on("action", f"one of {', '.join(PlanAction.values)}")
        item.action = changes["action"]
    if "note" in changes:
        item.note = str(changes["note"] or "")[:2000]
    if "removed_reason" in changes:
        reason = (changes["removed_reason"] or "").strip()
        if reason and item.completed_at:
            raise Conflict("a completed stop cannot be removed")
        item.removed_reason = reason[:200]
        item.removed_at = timezone.now() if reason else None
        if reason:
            item.scheduled_date = item.scheduled_time = None
    if "scheduled_date" in changes:
        day = changes["scheduled_date"]
        if day is not None and not plan.week_start <= day <= plan.week_start + timedelta(days=6):
            raise InvalidInput.on(
                "scheduled_date", f"a day of the week of {plan.week_start.isoformat()} (Monday to Sunday)"
            )
        if day is not None and item.removed_at:
            raise InvalidInput.on("scheduled_date", "put the account back in the plan before scheduling it")
        item.scheduled_date = day
        if day is None:
            item.scheduled_time = None
    if "scheduled_time" in changes:
        if changes["scheduled_time"] is not None and item.scheduled_date is None:
            raise InvalidInput.on("scheduled_time", "give the stop a day before a time")
        item.scheduled_time = changes["scheduled_time"]
    if item.scheduled_date is not None and (item.scheduled_date != old_day or "position" in changes):
        position = changes.get("position")
        if position is not None and (not isinstance(position, int) or position < 0):
            raise InvalidInput.on("position", "a position is a whole number from 0")
        _renumber_day(actor.tenant.pk, plan.pk, item.scheduled_date, item, position)
    elif item.scheduled_date is None:
        item.position = 0
    _sync_event(actor, item)
    item.save()
    after = snapshot(item, AUDITED_FIELDS)
    if after != before:
        audit_record(
            tenant=actor.tenant, actor=actor.user, action="callplan_item.update", obj=item,
            before=before, after=after,
        )  # fmt: skip
    return item


@transaction.atomic
def item_complete(
    *,
    actor: Actor,
    item: CallPlanItem,
    outcome: str,
    occurred_at: datetime | None = None,
    kind: str | None = None,
) -> CallPlanItem:
    """Mark a stop done and log its activity (of the stop's action unless ``kind`` says otherwise) for
    the plan's person through crm's ``activity_create``; a stop completes once (409 after)."""
    item = CallPlanItem.objects.select_for_update().select_related("plan", "customer").get(pk=item.pk)
    if item.completed_at:
        raise Conflict("this stop is already completed")
    if item.removed_at:
        raise Conflict("this account was removed from the plan; put it back first")
    activity = activity_create(
        actor=actor,
        customer_id=item.customer_id,
        kind=kind or item.action,
        subject=outcome.strip()[:200],
        outcome=outcome.strip(),
        occurred_at=occurred_at,
        user_id=item.plan.user_id,
    )
    item.activity = activity
    item.outcome = outcome.strip()
    item.completed_at = timezone.now()
    item.save(update_fields=["activity", "outcome", "completed_at"])
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="callplan_item.complete", obj=item,
        after={"activity": activity.pk, "outcome": item.outcome},
    )  # fmt: skip
    return item


@transaction.atomic
def item_add(*, actor: Actor, monday: date, user_id: int, customer_id: int, note: str = "") -> CallPlanItem:
    """A manager (or admin) puts an account of the rep's book into the rep's plan with a note; the rep
    is told. An account already in the plan gets the note and comes back if it had been removed."""
    require_role(
        actor, Role.ADMIN, Role.MANAGER, message="only managers and admins add accounts to a rep's plan"
    )
    person = plan_person(actor=actor, user_id=user_id)
    customer = visible_customer(actor=actor, customer_id=customer_id)
    if customer.assigned_rep_id != person.pk:
        raise InvalidInput.on("customer_id", f"{customer.name} is not in {person.display_name}'s book")
    plan, _ = CallPlan.objects.get_or_create(tenant=actor.tenant, user=person, week_start=monday)
    item, created = CallPlanItem.objects.get_or_create(
        tenant=actor.tenant, plan=plan, customer=customer,
        defaults={"source": ItemSource.MANAGER, "note": note.strip(), "action": PlanAction.VISIT,
                  "reasons": [{"reason": "manager", "label": f"Added by {actor.user.display_name}",
                               "weight": 0, "metrics": []}]},
    )  # fmt: skip
    if not created:
        item.note = note.strip() or item.note
        item.removed_at, item.removed_reason = None, ""
        item.save(update_fields=["note", "removed_at", "removed_reason"])
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="callplan_item.add", obj=item,
        after={"customer": customer.pk, "note": item.note},
    )  # fmt: skip
    if person.pk != actor.user.pk:
        notification_create(
            tenant=actor.tenant, user=person, kind="callplan.added",
            title=f"{actor.user.display_name} added {customer.name} to your plan",
            body=item.note, url=reverse("callplan_week", args=[monday.isoformat()]),
        )  # fmt: skip
    return item


@transaction.atomic
def callplan_settings_update(
    *, actor: Actor, weights: dict[str, Any] | None = None, metrics: dict[str, Any] | None = None,
    max_items: int | None = None,
) -> CallPlanSettings:  # fmt: skip
    """Admins change the tenant's ranking: weights per reason, the metric codes feeding a reason, how many
    accounts a plan proposes. Codes must name segment metrics of the tenant."""
    require_role(actor, Role.ADMIN, message="only admins change how call plans are ranked")
    stored = settings_of(actor.tenant)
    new_weights = {**stored.weights, **(weights or {})}
    new_metrics = {**stored.metrics, **(metrics or {})}
    check_settings(weights=new_weights, metrics=new_metrics)
    segments = set(
        MetricDefinition.objects.for_tenant(actor.tenant)
        .filter(kind=MetricKind.SEGMENT)
        .values_list("code", flat=True)
    )
    for key, codes in (metrics or {}).items():
        unknown = [code for code in codes if code not in segments]
        if unknown:
            raise InvalidInput.on(f"metrics.{key}", f"no segment metric {unknown[0]!r} in this tenant")
    if max_items is not None and not 1 <= max_items <= 400:
        raise InvalidInput.on("max_items", "from 1 to 400 accounts")
    before = {"weights": stored.weights, "metrics": stored.metrics, "max_items": stored.max_items}
    stored.weights, stored.metrics = new_weights, new_metrics
    if max_items is not None:
        stored.max_items = max_items
    stored.updated_at = timezone.now()
    stored.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="callplan_settings.update", obj=stored, before=before,
        after={"weights": stored.weights, "metrics": stored.metrics, "max_items": stored.max_items},
    )  # fmt: skip
    return stored


@transaction.atomic
def rep_settings_update(*, actor: Actor, user_id: int | None, changes: dict[str, Any]) -> RepPlanSettings:
    """Change a person's daily capacity or start location (their own, or a team member's for a lead)."""
    person = plan_person(actor=actor, user_id=user_id)
    if person.pk != actor.user.pk and not actor.leads_people:
        raise InvalidInput.on("user_id", "you can change only your own settings")
    stored = rep_settings(actor=actor, user=person)
    if "daily_capacity" in changes:
        capacity = changes["daily_capacity"]
        if not isinstance(capacity, int) or not 1 <= capacity <= 50:
            raise InvalidInput.on("daily_capacity", "from 1 to 50 stops a day")
        stored.daily_capacity = capacity
    for name, low, high in (("start_latitude", -90, 90), ("start_longitude", -180, 180)):
        if name in changes:
            value = changes[name]
            if value is not None and not low <= Decimal(str(value)) <= high:
                raise InvalidInput.on(name, f"from {low} to {high}")
            setattr(
                stored, name, None if value is None else Decimal(str(value)).quantize(Decimal("0.000001"))
            )
    if (stored.start_latitude is None) != (stored.start_longitude is None):
        raise InvalidInput.on("start_latitude", "give both the latitude and the longitude, or neither")
    if "start_label" in changes:
        stored.start_label = str(changes["start_label"] or "")[:200]
    stored.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="callplan_rep_settings.update", obj=stored,
        after=snapshot(stored, ["daily_capacity", "start_label", "start_latitude", "start_longitude"]),
    )  # fmt: skip
    return stored


@transaction.atomic
def day_route_order(*, actor: Actor, plan: CallPlan, day: date) -> list[CallPlanItem]:
    """Order a day's visits and tastings to shorten the drive from the rep's start location (nearest
    neighbour + 2-opt on straight-line legs); calls and stops without coordinates follow in their
    present order. Times are left as they are. Returns the day's items in their new order."""
    items = list(
        CallPlanItem.objects.for_tenant(actor.tenant)
        .select_for_update()
        .filter(plan=plan, scheduled_date=day, removed_at__isnull=True)
        .select_related("customer")
        .order_by("position", "scheduled_time", "rank", "pk")
    )
    settings = rep_settings(actor=actor, user=plan.user)
    start = point_of(settings.start_latitude, settings.start_longitude)
    routable = [
        i for i in items
        if i.action in IN_PERSON_ACTIONS and point_of(i.customer.latitude, i.customer.longitude) is not None
    ]  # fmt: skip
    rest = [i for i in items if i not in routable]
    points = [point_of(i.customer.latitude, i.customer.longitude) for i in routable]
    order = route_order(start, [p for p in points if p is not None])
    ordered = [routable[index] for index in order] + rest
    for position, item in enumerate(ordered):
        item.position = position
    CallPlanItem.objects.bulk_update(ordered, ["position"])
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="callplan_day.route", obj=plan,
        after={"day": day.isoformat(), "order": [i.pk for i in ordered]},
    )  # fmt: skip
    return ordered
