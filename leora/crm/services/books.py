"""Writes of people's books: moving every customer of one person to another, as when someone leaves."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from leora.crm.models import Customer
from leora.crm.signals import book_changed
from leora.errors import InvalidInput, NotFound
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Membership, Role, User
from leora.tenancy.selectors.members import assignable_person
from leora.tenancy.services.audit import audit_record


@dataclass(frozen=True)
class Reassignment:
    from_user: User
    to_user: User
    moved: int


@transaction.atomic
def customers_reassign(*, actor: Actor, from_user_id: int, to_user_id: int) -> Reassignment:
    """Move every customer assigned to ``from_user_id`` to ``to_user_id`` in one update.

    Admins move any book; a manager moves books only within their team: the new owner must be someone
    the actor may hand work to (``assignable_person``: 422 when unknown or deactivated, 403 outside the
    team). An owner the actor cannot see is a 404, as for every row outside their scope; reps move
    nothing (403). Returns who and how many; moving none writes no audit event.
    """
    owner = (
        Membership.objects.select_related("user")
        .filter(tenant_id=actor.tenant.pk, user_id=from_user_id)
        .first()
    )
    if owner is None or not actor.can_see_user(owner.user_id):
        raise NotFound("user not found")
    require_role(
        actor, Role.ADMIN, Role.MANAGER, message="only an admin or their manager moves a rep's customers"
    )
    if to_user_id == owner.user_id:
        raise InvalidInput.on("to_user_id", "choose someone other than the current owner")
    to_user = assignable_person(actor=actor, user_id=to_user_id, field="to_user_id")
    moved = (
        Customer.objects.for_tenant(actor.tenant)
        .filter(assigned_rep_id=owner.user_id)
        .update(assigned_rep_id=to_user.pk, updated_at=timezone.now())
    )
    if moved:
        # The bulk update bypasses model signals; tell what is derived from customers that they moved.
        book_changed.send(sender=Customer, tenant_id=actor.tenant.pk)
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="user.reassign_customers",
            obj=owner.user,
            before={"assigned_rep_id": owner.user_id},
            after={"assigned_rep_id": to_user.pk, "customers_moved": moved},
        )
    return Reassignment(from_user=owner.user, to_user=to_user, moved=moved)
