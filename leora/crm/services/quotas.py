"""Writes of weekly quotas: managers set their team's, admins anyone's. Every change is audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from leora.crm.models import SalesQuota
from leora.crm.services.common import assignable_rep, changed_fields, snapshot
from leora.errors import Conflict, FieldError, InvalidInput
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["user", "week_start", "revenue_target", "set_by"]
MONDAY = 0


def _check_monday(week_start: date) -> None:
    if week_start.weekday() != MONDAY:
        raise InvalidInput.on("week_start", f"{week_start} is a {week_start:%A}; weeks start on Monday")


def _change(actor: Actor, quota: SalesQuota, changes: dict[str, Any], action: str) -> SalesQuota:
    diff = changed_fields(quota, changes)
    if not diff:
        return quota
    before = snapshot(quota, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(quota, name, value)
    quota.set_by = actor.user
    quota.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action=action, obj=quota,
        before=before, after=snapshot(quota, AUDITED_FIELDS),
    )  # fmt: skip
    return quota


@transaction.atomic
def quota_set(
    *, actor: Actor, user_id: int, week_start: date, revenue_target: Decimal
) -> tuple[SalesQuota, bool]:
    """Set a user's target for a week, creating or replacing it; returns the quota and whether it is new."""
    require_role(actor, Role.ADMIN, Role.MANAGER)
    user = assignable_rep(actor=actor, user_id=user_id, field="user_id")
    assert user is not None
    _check_monday(week_start)
    quotas = SalesQuota.objects.for_tenant(actor.tenant).select_for_update()
    existing = quotas.filter(user=user, week_start=week_start).first()
    if existing is None:
        quota = SalesQuota(
            tenant=actor.tenant,
            user=user,
            week_start=week_start,
            revenue_target=revenue_target,
            set_by=actor.user,
        )
        try:
            with transaction.atomic():
                quota.save(force_insert=True)
        except IntegrityError:
            # Another request set this week first; replace its target like any other second write.
            existing = quotas.get(user=user, week_start=week_start)
        else:
            audit_record(
                tenant=actor.tenant, actor=actor.user, action="quota.create", obj=quota,
                after=snapshot(quota, AUDITED_FIELDS),
            )  # fmt: skip
            return quota, True
    return _change(actor, existing, {"revenue_target": revenue_target}, "quota.update"), False


@transaction.atomic
def quota_update(*, actor: Actor, quota: SalesQuota, changes: dict[str, Any]) -> SalesQuota:
    """Change a visible quota's target or week (managers and admins); a week already set is a 409."""
    require_role(actor, Role.ADMIN, Role.MANAGER)
    week_start = changes.get("week_start")
    if week_start is not None and week_start != quota.week_start:
        _check_monday(week_start)
        taken = SalesQuota.objects.for_tenant(actor.tenant).filter(
            user_id=quota.user_id, week_start=week_start
        )
        if taken.exists():
            message = f"{quota.user.email} already has a quota for the week of {week_start}"
            raise Conflict(message, [FieldError("week_start", message)])
    return _change(actor, quota, changes, "quota.update")


@transaction.atomic
def quota_delete(*, actor: Actor, quota: SalesQuota) -> None:
    """Delete a visible quota (managers and admins)."""
    require_role(actor, Role.ADMIN, Role.MANAGER)
    before = snapshot(quota, AUDITED_FIELDS)
    quota_id = quota.pk
    quota.delete()
    quota.pk = quota_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="quota.delete", obj=quota, before=before)
