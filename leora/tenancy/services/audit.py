"""The audit trail's one write: services call it inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from leora.tenancy.models import AuditEvent, Tenant, User
from leora.tenancy.request_context import current_request_id


def audit_record(
    *,
    tenant: Tenant,
    actor: User | None,
    action: str,
    obj: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event and return it; call it inside the transaction that makes the change, so a
    rolled-back change leaves no audit row."""
    return AuditEvent.objects.create_for(
        tenant,
        actor=actor,
        action=action,
        object_type=obj._meta.model_name or type(obj).__name__.lower(),
        object_id=str(obj.pk),
        before=before,
        after=after,
        request_id=current_request_id.get(),
    )
