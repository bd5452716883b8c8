"""Writes of activities: calls, visits, tastings, emails and notes logged against a customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from leora.crm.models import Activity
from leora.crm.selectors.activities import aware_in_tenant
from leora.crm.services.common import assignable_rep, changed_fields, snapshot, visible_customer
from leora.crm.services.tasks import task_create
from leora.errors import Forbidden, InvalidInput
from leora.tenancy.actors import Actor
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["customer", "user", "kind", "subject", "outcome", "occurred_at"]


@dataclass(frozen=True)
class FollowUp:
    """The task to create with an activity: for the person the activity is logged for, on its customer."""

    title: str
    due_date: date | None = None


def _require_author_or_lead(actor: Actor, activity: Activity) -> None:
    # A rep's log is their own record of what they did; their manager or an admin may correct it.
    if actor.is_rep and activity.user_id != actor.user.pk:
        raise Forbidden("only the person who logged this activity, or their manager, may change it")


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    customer_id: int,
    kind: str,
    subject: str = "",
    outcome: str = "",
    occurred_at: datetime | None = None,
    user_id: int | None = None,
    follow_up: FollowUp | None = None,
) -> Activity:
    """Log an activity on a visible customer, by the actor unless they name someone in their team, and
    return it. A ``follow_up`` creates a task on the same customer for the same person in the same
    transaction (``task_create``'s rules apply), returned as the activity's ``follow_up_task``; None
    there otherwise. Nothing is written when either is refused."""
    customer = visible_customer(actor=actor, customer_id=customer_id)
    user = assignable_rep(actor=actor, user_id=actor.user.pk if user_id is None else user_id, field="user_id")
    follow_up_title = follow_up.title.strip() if follow_up is not None else ""
    if follow_up is not None and not follow_up_title:
        raise InvalidInput.on("follow_up.title", "give the follow-up task a title")
    activity = Activity(
        tenant=actor.tenant, customer=customer, user=user, kind=kind, subject=subject, outcome=outcome,
        occurred_at=timezone.now() if occurred_at is None else aware_in_tenant(actor.tenant, occurred_at),
    )  # fmt: skip
    activity.save(force_insert=True)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="activity.create", obj=activity,
        after=snapshot(activity, AUDITED_FIELDS),
    )  # fmt: skip
    activity.follow_up_task = (  # type: ignore[attr-defined]
        None
        if follow_up is None or user is None
        else task_create(
            actor=actor,
            title=follow_up_title,
            customer_id=customer.pk,
            assigned_to_id=user.pk,
            due_date=follow_up.due_date,
        )
    )
    return activity


@transaction.atomic
def activity_update(*, actor: Actor, activity: Activity, changes: dict[str, Any]) -> Activity:
    """Apply ``changes`` to a visible activity; reps may change only their own (403 otherwise)."""
    _require_author_or_lead(actor, activity)
    if changes.get("occurred_at") is not None:
        changes["occurred_at"] = aware_in_tenant(actor.tenant, changes["occurred_at"])
    diff = changed_fields(activity, changes)
    if not diff:
        return activity
    before = snapshot(activity, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(activity, name, value)
    activity.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="activity.update", obj=activity,
        before=before, after=snapshot(activity, AUDITED_FIELDS),
    )  # fmt: skip
    return activity


@transaction.atomic
def activity_delete(*, actor: Actor, activity: Activity) -> None:
    """Delete a visible activity; reps may delete only their own (403 otherwise)."""
    _require_author_or_lead(actor, activity)
    before = snapshot(activity, AUDITED_FIELDS)
    activity_id = activity.pk
    activity.delete()
    activity.pk = activity_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="activity.delete", obj=activity, before=before)
