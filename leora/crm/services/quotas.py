"""Writes of weekly quotas: managers set their team's, admins anyone's. Every change is audited.

The bulk operations (copying a week's targets, applying one rep's target to the weeks after it) run
in one transaction and write one audit event per target they set, like a single edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from leora.crm.models import SalesQuota
from leora.crm.services.common import assignable_rep, changed_fields, snapshot
from leora.errors import Conflict, FieldError, InvalidInput, NotFound
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role, User
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["user", "week_start", "revenue_target", "set_by"]
MONDAY = 0
# The largest amount a money column (14 digits, 2 of them cents) holds.
MAX_TARGET = Decimal("999999999999.99")
MAX_WEEKS_FORWARD = 52


@dataclass(frozen=True)
class QuotaBulkResult:
    """What a bulk operation did: targets written, and targets already set that it left alone."""

    written: int
    kept: int


def _check_monday(week_start: date, field: str = "week_start") -> None:
    if week_start.weekday() != MONDAY:
        raise InvalidInput.on(field, f"{week_start} is a {week_start:%A}; weeks start on Monday")


def _check_target(revenue_target: Decimal, field: str = "revenue_target") -> None:
    if not revenue_target.is_finite():
        raise InvalidInput.on(field, "enter an amount, such as 5000")
    if revenue_target < 0:
        raise InvalidInput.on(field, "a target cannot be negative")
    if revenue_target > MAX_TARGET:
        raise InvalidInput.on(field, "that target is too large")


def _check_in_scope(actor: Actor, quota: SalesQuota) -> None:
    # Callers fetch quotas through quota_get, which already hides other teams' rows; this keeps the
    # rule in the service for any caller that did not.
    if quota.tenant_id != actor.tenant.pk or not actor.can_see_user(quota.user_id):
        raise NotFound("quota not found")


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


def _put(
    actor: Actor, user: User, week_start: date, revenue_target: Decimal, *, replace: bool = True
) -> tuple[SalesQuota, str]:
    """Write ``user``'s target for a week; returns the quota and "created", "updated", "unchanged" or
    "kept" (already set and ``replace`` is False). The caller has checked role, person and input."""
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
            # Another request set this week first; treat it like any other second write.
            existing = quotas.get(user=user, week_start=week_start)
        else:
            audit_record(
                tenant=actor.tenant, actor=actor.user, action="quota.create", obj=quota,
                after=snapshot(quota, AUDITED_FIELDS),
            )  # fmt: skip
            return quota, "created"
    if not replace:
        return existing, "kept"
    if existing.revenue_target == revenue_target:
        return existing, "unchanged"
    return _change(actor, existing, {"revenue_target": revenue_target}, "quota.update"), "updated"


@transaction.atomic
def quota_set(
    *, actor: Actor, user_id: int, week_start: date, revenue_target: Decimal
) -> tuple[SalesQuota, bool]:
    """Set a user's target for a week, creating or replacing it; returns the quota and whether it is new.

    Managers set their team's targets and admins anyone's: a person outside the actor's team is a
    403, a negative target or a week that does not start on Monday a 422.
    """
    require_role(actor, Role.ADMIN, Role.MANAGER)
    user = assignable_rep(actor=actor, user_id=user_id, field="user_id")
    assert user is not None
    _check_monday(week_start)
    _check_target(revenue_target)
    quota, outcome = _put(actor, user, week_start, revenue_target)
    return quota, outcome == "created"


@transaction.atomic
def quota_update(*, actor: Actor, quota: SalesQuota, changes: dict[str, Any]) -> SalesQuota:
    """Change a visible quota's target or week (managers and admins); a week already set is a 409."""
    require_role(actor, Role.ADMIN, Role.MANAGER)
    _check_in_scope(actor, quota)
    if changes.get("revenue_target") is not None:
        _check_target(changes["revenue_target"])
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
    _check_in_scope(actor, quota)
    before = snapshot(quota, AUDITED_FIELDS)
    quota_id = quota.pk
    quota.delete()
    quota.pk = quota_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="quota.delete", obj=quota, before=before)


def _tally(outcomes: list[str]) -> QuotaBulkResult:
    return QuotaBulkResult(
        written=sum(1 for o in outcomes if o in {"created", "updated"}),
        kept=sum(1 for o in outcomes if o == "kept"),
    )


@transaction.atomic
def quota_copy_week(
    *, actor: Actor, from_week: date, to_week: date, replace: bool = False
) -> QuotaBulkResult:
    """Copy every target of ``from_week`` that the actor may set (their team's, or anyone's for an
    admin; active people only) into ``to_week``.

    Targets already set in ``to_week`` are kept unless ``replace``. A week with nothing to copy is a
    422 on ``from_week``, and nothing is written.
    """
    require_role(actor, Role.ADMIN, Role.MANAGER)
    _check_monday(from_week, "from_week")
    _check_monday(to_week, "to_week")
    if from_week == to_week:
        raise InvalidInput.on("to_week", "choose a different week to copy into")
    sources = (
        SalesQuota.objects.for_tenant(actor.tenant)
        .filter(week_start=from_week, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    if not actor.sees_whole_tenant:
        sources = sources.filter(user_id__in=actor.team_user_ids)
    copies = list(sources)
    if not copies:
        raise InvalidInput.on("from_week", f"no targets are set for the week of {from_week} to copy")
    outcomes = [
        _put(actor, source.user, to_week, source.revenue_target, replace=replace)[1] for source in copies
    ]
    return _tally(outcomes)


@transaction.atomic
def quota_apply_forward(
    *, actor: Actor, user_id: int, from_week: date, weeks: int, replace: bool = False
) -> QuotaBulkResult:
    """Give ``user_id`` their ``from_week`` target in each of the ``weeks`` weeks after it (1 to 52).

    Same rules as ``quota_set`` for who may be given a target; targets already set are kept unless
    ``replace``. No target in ``from_week`` is a 422 on ``from_week``, and nothing is written.
    """
    require_role(actor, Role.ADMIN, Role.MANAGER)
    user = assignable_rep(actor=actor, user_id=user_id, field="user_id")
    assert user is not None
    _check_monday(from_week, "from_week")
    if not 1 <= weeks <= MAX_WEEKS_FORWARD:
        raise InvalidInput.on("weeks", f"choose between 1 and {MAX_WEEKS_FORWARD} weeks")
    source = SalesQuota.objects.for_tenant(actor.tenant).filter(user=user, week_start=from_week).first()
    if source is None:
        raise InvalidInput.on(
            "from_week", f"{user.display_name} has no target for the week of {from_week} to apply"
        )
    outcomes = [
        _put(actor, user, from_week + timedelta(weeks=n), source.revenue_target, replace=replace)[1]
        for n in range(1, weeks + 1)
    ]
    return _tally(outcomes)
