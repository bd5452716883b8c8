"""Reads of API tokens: a person sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from leora.errors import NotFound
from leora.tenancy.actors import Actor
from leora.tenancy.models import ApiToken


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """Return the actor's own tokens in the actor's tenant, newest first."""
    return ApiToken.objects.filter(tenant_id=actor.tenant.pk, user_id=actor.user.pk).order_by("-created_at")


def api_token_get(*, actor: Actor, token_id: int) -> ApiToken:
    """Return one of the actor's own tokens; anyone else's raises NotFound."""
    token = api_token_list(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound("token not found")
    return token
