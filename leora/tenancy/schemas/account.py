"""Who am I, and my API tokens."""

from datetime import datetime

from ninja import Field, Schema


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
