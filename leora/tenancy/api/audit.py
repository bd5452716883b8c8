"""The tenant's audit trail: `/api/audit-events` (admins)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from leora.pagination import page_of, paginate
from leora.tenancy.auth import actor_of
from leora.tenancy.schemas.audit import AuditEventOut, AuditFilters
from leora.tenancy.selectors.audit import audit_event_list

router = Router()


@router.get("", response=page_of(AuditEventOut), summary="The audit trail (admins)")
def list_audit_events(request: HttpRequest, filters: Query[AuditFilters]) -> dict[str, Any]:
    events = audit_event_list(
        actor=actor_of(request),
        object_type=filters.object_type,
        object_id=filters.object_id,
        actor_id=filters.actor_id,
        action=filters.action,
    )
    return paginate(events, filters)
