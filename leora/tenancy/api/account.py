"""Who am I, and my API tokens: `/api/me`, `/api/tokens`."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from leora.tenancy.auth import actor_of
from leora.tenancy.schemas.account import ApiTokenCreatedOut, ApiTokenIn, ApiTokenOut, MeOut
from leora.tenancy.selectors.tokens import api_token_get, api_token_list
from leora.tenancy.services.tokens import api_token_create, api_token_revoke

router = Router()


@router.get("/me", response=MeOut, summary="The authenticated user, role and tenant")
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


@router.get("/tokens", response=list[ApiTokenOut], summary="My API tokens")
def list_tokens(request: HttpRequest) -> Any:
    return api_token_list(actor=actor_of(request))


@router.post("/tokens", response={201: ApiTokenCreatedOut}, summary="Create an API token")
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


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    actor = actor_of(request)
    api_token_revoke(token=api_token_get(actor=actor, token_id=token_id), actor=actor.user)
    return Status(204, None)
