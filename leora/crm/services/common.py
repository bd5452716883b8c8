"""Helpers shared by the CRM services."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict

from leora.crm.models import Customer
from leora.crm.visibility import visible_customers
from leora.errors import Conflict, FieldError, InvalidInput
from leora.tenancy.actors import Actor
from leora.tenancy.models import User
from leora.tenancy.selectors.members import assignable_person


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe copy of ``fields`` of ``obj`` for audit before/after."""
    data = model_to_dict(obj, fields=fields)
    return {k: (v if isinstance(v, (str, int, float, bool, type(None))) else str(v)) for k, v in data.items()}


def changed_fields(obj: Model, changes: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``changes`` that differs from ``obj``'s current values."""
    return {name: value for name, value in changes.items() if getattr(obj, name) != value}


def assignable_rep(*, actor: Actor, user_id: int | None, field: str = "assigned_rep_id") -> User | None:
    """Check that the actor may hand work to ``user_id`` (``assignable_person``); None stays None."""
    if user_id is None:
        return None
    return assignable_person(actor=actor, user_id=user_id, field=field)


def visible_customer(*, actor: Actor, customer_id: int, field: str = "customer_id") -> Customer:
    """Return a customer the actor may see, or a 422 on ``field`` (never revealing hidden rows)."""
    customer = visible_customers(actor).filter(pk=customer_id).first()
    if customer is None:
        raise InvalidInput.on(field, f"no customer with id {customer_id} that you can see")
    return customer


def check_range(low: Any, high: Any, *, low_field: str, high_field: str) -> None:
    """Raise a 422 on ``low_field`` when both bounds are given and ``low`` comes after ``high``."""
    if low is not None and high is not None and low > high:
        raise InvalidInput.on(low_field, f"must be on or before {high_field}")


def next_free_number(queryset: QuerySet[Any], field: str, prefix: str) -> str:
    """Return the first ``<prefix><n:06d>`` not yet used in ``queryset`` (already tenant-scoped)."""
    count = queryset.count()
    while True:
        count += 1
        candidate = f"{prefix}{count:06d}"
        if not queryset.filter(**{field: candidate}).exists():
            return candidate


def duplicate_number(field: str, number: str, what: str) -> Conflict:
    """The 409 for a number already used in this tenant, naming ``field``."""
    message = f"{what} {number!r} is already used in this tenant"
    return Conflict(message, [FieldError(field, message)])


def insert_numbered(
    obj: Model,
    *,
    numbers: QuerySet[Any],
    field: str,
    prefix: str,
    what: str,
    generated: bool,
    attempts: int = 5,
) -> None:
    """Insert ``obj`` whose ``field`` is unique in the tenant; returns once it is saved.

    A number the caller chose that is taken is a 409 on ``field``; a generated one that a concurrent
    insert took between drawing and saving is simply drawn again.
    """
    for _ in range(attempts):
        if generated:
            setattr(obj, field, next_free_number(numbers, field, prefix))
        try:
            with transaction.atomic():
                obj.save(force_insert=True)
            return
        except IntegrityError:
            if not generated:
                raise duplicate_number(field, getattr(obj, field), what) from None
    raise Conflict(f"could not allocate a {what}; try again")
