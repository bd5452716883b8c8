"""Reads of the tenancy app."""

from __future__ import annotations

from django.db.models import QuerySet

from leora.errors import Forbidden, InvalidInput, NotFound
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import ApiToken, AuditEvent, Membership, Role, User


def assignable_people(*, actor: Actor) -> QuerySet[User]:
    """Return the active people the actor may hand work to (tasks, events, customers, quotas), by name:
    anyone in the tenant for an admin, their team for a manager, themselves for a rep."""
    memberships = Membership.objects.filter(tenant_id=actor.tenant.pk)
    if not actor.sees_whole_tenant:
        memberships = memberships.filter(user_id__in=actor.team_user_ids)
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by(
        "full_name", "email"
    )


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


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """Return the actor's own tokens in the actor's tenant, newest first."""
    return ApiToken.objects.filter(tenant_id=actor.tenant.pk, user_id=actor.user.pk).order_by("-created_at")


def api_token_get(*, actor: Actor, token_id: int) -> ApiToken:
    token = api_token_list(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound("token not found")
    return token


def audit_event_list(
    *,
    actor: Actor,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
) -> QuerySet[AuditEvent]:
    """Return the tenant's audit trail, newest first (admins only)."""
    require_role(actor, Role.ADMIN)
    events = (
        AuditEvent.objects.for_tenant(actor.tenant).select_related("actor").order_by("-created_at", "-pk")
    )
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    return events
