"""Writes of personal API tokens: create, authenticate (records the last use), revoke."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from leora.errors import InvalidInput
from leora.tenancy.models import ApiToken, Tenant, User
from leora.tenancy.services.audit import audit_record

TOKEN_PREFIX_LENGTH = 8


def _hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so one round of SHA-256 is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str


@transaction.atomic
def api_token_create(*, tenant: Tenant, user: User, name: str = "default") -> IssuedToken:
    """Create a token for ``user`` in ``tenant``; returns it with the plaintext, which is shown once and
    never stored. A blank name is a 422 on ``name``: the name is how its owner tells tokens apart."""
    name = name.strip()[:100]
    if not name:
        raise InvalidInput.on("name", "give the token a name, such as the program that will use it")
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    plaintext = f"leora_{prefix}_{secret}"
    token = ApiToken.objects.create(
        tenant=tenant, user=user, name=name, prefix=prefix, token_hash=_hash_secret(plaintext)
    )
    audit_record(tenant=tenant, actor=user, action="api_token.create", obj=token, after={"name": token.name})
    return IssuedToken(token=token, plaintext=plaintext)


def api_token_authenticate(plaintext: str) -> ApiToken | None:
    """Return the live token matching ``plaintext``, or None. Comparison is constant-time."""
    parts = plaintext.split("_")
    if len(parts) < 3 or parts[0] != "leora":
        return None
    token = (
        ApiToken.objects.select_related("tenant", "user")
        .filter(prefix=parts[1], revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, _hash_secret(plaintext)):
        return None
    now = timezone.now()
    # Writing last_used_at on every call would serialise API traffic on one row; once a minute is enough.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke ``token`` and return it; revoking a revoked token changes nothing and writes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(tenant=token.tenant, actor=actor, action="api_token.revoke", obj=token)
    return token
