"""API authentication: personal bearer tokens, or the signed-in session for the app's own pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from leora.tenancy import scoping
from leora.tenancy.actors import Actor, actor_for
from leora.tenancy.models import Membership
from leora.tenancy.services.tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        membership = (
            Membership.objects.select_related("tenant", "user")
            .filter(tenant_id=api_token.tenant_id, user_id=api_token.user_id)
            .first()
        )
        if membership is None:
            return None
        actor = actor_for(membership)
        request.actor = actor  # type: ignore[attr-defined]
        scoping.activate(actor.tenant)
        return actor


class SessionActorAuth(SessionAuth):
    """The browser's session (CSRF-checked by django-ninja), resolved by TenantMiddleware."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return getattr(request, "actor", None)


def actor_of(request: HttpRequest) -> Actor:
    """Return the authenticated actor of an API request (auth has already run)."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise RuntimeError("actor_of() called on an unauthenticated request")
    return actor


API_AUTH = [TokenAuth(), SessionActorAuth()]
