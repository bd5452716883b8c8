"""Reads of the tenancy app."""

from __future__ import annotations

from django.db.models import QuerySet

from leora.crm.services.common import require_role
from leora.errors import NotFound
from leora.tenancy.actors import Actor
from leora.tenancy.models import ApiToken, AuditEvent, Role


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
