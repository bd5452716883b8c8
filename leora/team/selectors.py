"""Reads of the team feature: the people an actor sees, each with the size of their book.

Tenancy knows people and the CRM knows customers; this is the one place they meet, so the Team pages
and ``/api/users`` list and count people by the same rule.
"""

from __future__ import annotations

from django.db.models import QuerySet

from leora.crm.selectors.books import book_size
from leora.errors import NotFound
from leora.tenancy.actors import Actor
from leora.tenancy.models import Membership, User
from leora.tenancy.selectors.members import MEMBER_ORDERING, assignable_people, member_list

TEAM_MEMBER_ORDERING = MEMBER_ORDERING | {"customer_count"}


def team_member_list(
    *,
    actor: Actor,
    search: str | None = None,
    role: str | None = None,
    manager_id: int | None = None,
    is_active: bool | None = None,
) -> QuerySet[Membership]:
    """Return the members the actor may see (``member_list``, filtered the same way), each annotated
    with ``customer_count``, the customers assigned to them, in the same query. Ordering is left to the
    caller (``TEAM_MEMBER_ORDERING`` names the sortable fields)."""
    members = member_list(actor=actor, search=search, role=role, manager_id=manager_id, is_active=is_active)
    return members.annotate(customer_count=book_size(tenant=actor.tenant, person_field="user_id"))


def team_member_get(*, actor: Actor, user_id: int) -> Membership:
    """Return one visible member, annotated like ``team_member_list``; anyone else raises NotFound."""
    member = team_member_list(actor=actor).filter(user_id=user_id).first()
    if member is None:
        raise NotFound("user not found")
    return member


def reassign_targets(*, actor: Actor, member: Membership) -> QuerySet[User]:
    """Return the people ``member``'s customers may move to: whom the actor may hand work to
    (``assignable_people``, the rule ``customers_reassign`` checks), except the member themselves."""
    return assignable_people(actor=actor).exclude(pk=member.user_id)
