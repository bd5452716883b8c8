"""Who is acting: a user in one tenant with one role, and what that role lets them see."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from leora.errors import Forbidden
from leora.tenancy.models import Membership, Role, Tenant, User


@dataclass(frozen=True)
class Actor:
    """The authenticated user of a request or job, bound to one tenant.

    ``team_user_ids`` is the set of users whose accounts this actor sees: themselves, plus their
    reps for a manager. Admins see the whole tenant, so for them it is unused.
    """

    tenant: Tenant
    user: User
    role: str
    team_user_ids: frozenset[int] = field(default_factory=frozenset)
    # True for a reading scope narrowed to some people's books (a manager's or admin's rep filter).
    narrowed: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_rep(self) -> bool:
        return self.role == Role.SALES_REP

    @property
    def leads_people(self) -> bool:
        """Admins and managers: they see a team, hand out work and set quotas."""
        return self.is_admin or self.is_manager

    @property
    def sees_whole_tenant(self) -> bool:
        return self.is_admin and not self.narrowed

    def narrowed_to(self, user_id: int) -> Actor:
        """Return a reading scope that sees only ``user_id``'s book: a manager's or admin's rep filter.

        Only for reads (selectors, metric counts); the caller checks ``can_see_user`` first. Writes
        always take the real actor.
        """
        return replace(self, team_user_ids=frozenset({user_id}), narrowed=True)

    def can_see_user(self, user_id: int | None) -> bool:
        return self.is_admin or (user_id is not None and user_id in self.team_user_ids)


def require_role(actor: Actor, *roles: Role, message: str | None = None) -> None:
    """Raise Forbidden (403) unless the actor has one of ``roles``; ``message`` says why in the
    caller's words."""
    if actor.role not in roles:
        raise Forbidden(message or f"this needs the {' or '.join(r.label.lower() for r in roles)} role")


def actor_for(membership: Membership) -> Actor:
    """Build the Actor of ``membership``, loading a manager's team once."""
    team = {membership.user_id}
    if membership.role == Role.MANAGER:
        team.update(
            Membership.objects.filter(
                tenant_id=membership.tenant_id, manager_id=membership.user_id
            ).values_list("user_id", flat=True)
        )
    return Actor(
        tenant=membership.tenant,
        user=membership.user,
        role=membership.role,
        team_user_ids=frozenset(team),
    )


def membership_for(user: User, tenant_id: int | None = None) -> Membership | None:
    """Return the user's membership in ``tenant_id``, or their first one when none is named."""
    memberships = Membership.objects.select_related("tenant", "user").filter(user=user).order_by("id")
    if tenant_id is not None:
        memberships = memberships.filter(tenant_id=tenant_id)
    return memberships.first()
