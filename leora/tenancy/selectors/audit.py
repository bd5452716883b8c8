"""Reads of the audit trail (admins only)."""

from __future__ import annotations

from django.db.models import QuerySet

from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import AuditEvent, Role


def audit_event_list(
    *,
    actor: Actor,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
) -> QuerySet[AuditEvent]:
    """Return the tenant's audit trail, newest first, filtered (admins only, 403 for others)."""
    require_role(actor, Role.ADMIN, message="only an admin reads the audit trail")
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
