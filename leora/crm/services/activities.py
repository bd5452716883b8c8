"""Writes of activities: calls, visits, tastings, emails and notes logged against a customer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from leora.crm.models import Activity
from leora.crm.selectors.activities import aware_in_tenant
from leora.crm.services.common import assignable_rep, changed_fields, snapshot, visible_customer
from leora.errors import Forbidden
from leora.tenancy.actors import Actor
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["customer", "user", "kind", "subject", "outcome", "occurred_at"]


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
) -> Activity:
    """Log an activity on a visible customer, by the actor unless they name someone in their team."""
    customer = visible_customer(actor=actor, customer_id=customer_id)
    user = assignable_rep(actor=actor, user_id=actor.user.pk if user_id is None else user_id, field="user_id")
    activity = Activity(
        tenant=actor.tenant, customer=customer, user=user, kind=kind, subject=subject, outcome=outcome,
        occurred_at=timezone.now() if occurred_at is None else aware_in_tenant(actor.tenant, occurred_at),
    )  # fmt: skip
    activity.save(force_insert=True)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="activity.create", obj=activity,
        after=snapshot(activity, AUDITED_FIELDS),
    )  # fmt: skip
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
