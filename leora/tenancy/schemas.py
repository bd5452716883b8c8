from datetime import datetime
from typing import Any

from ninja import Field, Schema

from leora.pagination import ListParams


class TenantOut(Schema):
    id: int
    name: str
    slug: str
    timezone: str
    currency: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    tenant: TenantOut
    team_user_ids: list[int]


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenIn(Schema):
    name: str = Field("api", min_length=1, max_length=100)


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(..., description="the secret; shown once, never again")


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
