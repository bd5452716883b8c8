"""Helpers shared by the CRM services."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.forms.models import model_to_dict

from leora.errors import Forbidden, InvalidInput
from leora.tenancy.actors import Actor
from leora.tenancy.models import Membership, Role, User


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe copy of ``fields`` of ``obj`` for audit before/after."""
    data = model_to_dict(obj, fields=fields)
    return {k: (v if isinstance(v, (str, int, float, bool, type(None))) else str(v)) for k, v in data.items()}


def changed_fields(obj: Model, changes: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``changes`` that differs from ``obj``'s current values."""
    return {name: value for name, value in changes.items() if getattr(obj, name) != value}


def tenant_user(*, actor: Actor, user_id: int, field: str) -> User:
    """Return a member of the actor's tenant, or a 422 on ``field`` when there is none with that id."""
    membership = (
        Membership.objects.select_related("user").filter(tenant_id=actor.tenant.pk, user_id=user_id).first()
    )
    if membership is None:
        raise InvalidInput.on(field, f"no user with id {user_id} in this tenant")
    return membership.user


def assignable_rep(*, actor: Actor, user_id: int | None, field: str = "assigned_rep_id") -> User | None:
    """Check that the actor may hand work to ``user_id``: reps to themselves, managers to their team."""
    if user_id is None:
        return None
    user = tenant_user(actor=actor, user_id=user_id, field=field)
    if not actor.can_see_user(user.pk):
        raise Forbidden(f"you cannot assign to {user.email}: they are outside your team")
    return user


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        raise Forbidden(f"this needs the {' or '.join(r.label.lower() for r in roles)} role")
