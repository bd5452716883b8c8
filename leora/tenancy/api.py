"""Who am I, my API tokens, and the tenant's audit trail."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.pagination import page_of, paginate
from leora.tenancy.auth import actor_of
from leora.tenancy.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    AuditEventOut,
    AuditFilters,
    MeOut,
)
from leora.tenancy.selectors import api_token_get, api_token_list, audit_event_list
from leora.tenancy.services import api_token_create, api_token_revoke

router = Router()


@router.get("/me", response=MeOut, tags=["account"], summary="The authenticated user, role and tenant")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return {
        "id": actor.user.pk,
        "email": actor.user.email,
        "full_name": actor.user.full_name,
        "role": actor.role,
        "tenant": actor.tenant,
        "team_user_ids": sorted(actor.team_user_ids),
    }


@router.get("/tokens", response=list[ApiTokenOut], tags=["account"], summary="My API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return api_token_list(actor=actor_of(request))


@router.post("/tokens", response={201: ApiTokenCreatedOut}, tags=["account"], summary="Create an API token")
def create_token(request: HttpRequest, payload: ApiTokenIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    issued = api_token_create(tenant=actor.tenant, user=actor.user, name=payload.name)
    token = issued.token
    body = {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": None,
        "revoked_at": None,
        "token": issued.plaintext,
    }
    return Status(201, body)


@router.delete(
    "/tokens/{token_id}", response={204: None}, tags=["account"], summary="Revoke one of my tokens"
)
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    actor = actor_of(request)
    token = api_token_get(actor=actor, token_id=token_id)
    if token.revoked_at is None:
        api_token_revoke(token=token, actor=actor.user)
    return Status(204, None)


@router.get(
    "/audit-events", response=page_of(AuditEventOut), tags=["audit"], summary="The audit trail (admins)"
)
def list_audit_events(request: HttpRequest, filters: Query[AuditFilters]) -> dict[str, Any]:
    events = audit_event_list(
        actor=actor_of(request),
        object_type=filters.object_type,
        object_id=filters.object_id,
        actor_id=filters.actor_id,
        action=filters.action,
    )
    return paginate(events, filters)
