"""The audit trail."""

from datetime import datetime
from typing import Any

from ninja import Schema

from leora.pagination import ListParams


class AuditEventOut(Schema):
    id: int
    action: str
    object_type: str
    object_id: str
    actor_email: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str
    created_at: datetime

    @staticmethod
    def resolve_actor_email(obj: Any) -> str | None:
        return obj.actor.email if obj.actor_id else None


class AuditFilters(ListParams):
    object_type: str | None = None
    object_id: str | None = None
    actor_id: int | None = None
    action: str | None = None
