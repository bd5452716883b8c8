"""Reads of the people of a tenant: who an actor sees, whom people may report to, and whom an actor may
hand work to.

A member is a ``Membership`` (role, manager) with its ``User`` (email, name, active flag). Rows are read
as memberships of the actor's tenant, so another tenant's user is simply absent (404). Admins see
everyone; a manager sees their team (themselves and the people reporting to them); a rep sees only
themselves.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from leora.errors import Forbidden, InvalidInput, NotFound
from leora.tenancy.actors import Actor
from leora.tenancy.models import Membership, Role, Tenant, User

MEMBER_ORDERING = {"email", "full_name", "role", "is_active", "last_login", "date_joined"}
# Roles a person may report to: reps report to a manager, and anyone may report to an admin.
MANAGER_ROLES = (Role.MANAGER, Role.ADMIN)


def visible_members(*, actor: Actor) -> QuerySet[Membership]:
    """Return the memberships of the actor's tenant the actor may see: everyone for admins, a manager's
    team (themselves and their reports), a rep's own. Never another tenant's."""
    members = Membership.objects.filter(tenant_id=actor.tenant.pk)
    if not actor.sees_whole_tenant:
        members = members.filter(user_id__in=actor.team_user_ids)
    return members


def member_list(
    *,
    actor: Actor,
    search: str | None = None,
    role: str | None = None,
    manager_id: int | None = None,
    is_active: bool | None = None,
) -> QuerySet[Membership]:
    """Return the members the actor may see, filtered, with their user and manager loaded and annotated
    with ``email``, ``full_name``, ``is_active``, ``last_login`` and ``date_joined`` (one query).
    Ordering is left to the caller (``MEMBER_ORDERING`` names the sortable fields)."""
    members = (
        visible_members(actor=actor)
        .select_related("user", "manager")
        .annotate(
            email=F("user__email"),
            full_name=F("user__full_name"),
            is_active=F("user__is_active"),
            last_login=F("user__last_login"),
            date_joined=F("user__date_joined"),
        )
    )
    if search and search.strip():
        term = search.strip()
        members = members.filter(Q(user__email__icontains=term) | Q(user__full_name__icontains=term))
    if role:
        members = members.filter(role=role)
    if manager_id is not None:
        members = members.filter(manager_id=manager_id)
    if is_active is not None:
        members = members.filter(user__is_active=is_active)
    return members


def member_get(*, actor: Actor, user_id: int) -> Membership:
    """Return one visible member (loaded like ``member_list``); anyone else raises NotFound."""
    member = member_list(actor=actor).filter(user_id=user_id).first()
    if member is None:
        raise NotFound("user not found")
    return member


def manager_choices(*, tenant: Tenant) -> QuerySet[User]:
    """Return the active managers and admins of ``tenant``, whom people may report to, by name."""
    ids = Membership.objects.filter(tenant_id=tenant.pk, role__in=MANAGER_ROLES).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")


def assignable_people(*, actor: Actor) -> QuerySet[User]:
    """Return the active people the actor may hand work to (tasks, events, customers, quotas), by name:
    anyone in the tenant for an admin, their team for a manager, themselves for a rep."""
    people = visible_members(actor=actor).values("user_id")
    return User.objects.filter(pk__in=people, is_active=True).order_by("full_name", "email")


def assignable_person(*, actor: Actor, user_id: int, field: str) -> User:
    """Return the person ``user_id`` names when the actor may hand them work (``assignable_people``).

    Nobody with that id in the tenant, or a deactivated person, is a 422 on ``field``; someone outside
    the actor's team is a 403, because the actor can see that they exist.
    """
    membership = (
        Membership.objects.select_related("user").filter(tenant_id=actor.tenant.pk, user_id=user_id).first()
    )
    if membership is None:
        raise InvalidInput.on(field, f"no user with id {user_id} in this tenant")
    user = membership.user
    if not actor.can_see_user(user.pk):
        raise Forbidden(f"you cannot assign to {user.email}: they are outside your team")
    if not user.is_active:
        raise InvalidInput.on(field, f"{user.email} is deactivated")
    return user
