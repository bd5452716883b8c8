"""Writes of the tenancy app: API tokens, audit events, login throttling."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from leora.tenancy.models import ApiToken, AuditEvent, LoginAttempt, Tenant, User
from leora.tenancy.request_context import current_request_id

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
    """Create a token for ``user`` in ``tenant``; the plaintext is returned once and never stored."""
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    plaintext = f"leora_{prefix}_{secret}"
    token = ApiToken.objects.create(
        tenant=tenant, user=user, name=name[:100], prefix=prefix, token_hash=_hash_secret(plaintext)
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
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(tenant=token.tenant, actor=actor, action="api_token.revoke", obj=token)


def audit_record(
    *,
    tenant: Tenant,
    actor: User | None,
    action: str,
    obj: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event; call it inside the transaction that makes the change."""
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


def login_retry_after(*, email: str, ip_address: str) -> int | None:
    """Seconds until a login may be tried again for this email or address, or None when allowed."""
    window = timedelta(seconds=settings.LEORA_LOGIN_WINDOW_SECONDS)
    since = timezone.now() - window
    limit = settings.LEORA_LOGIN_MAX_FAILURES
    recent = LoginAttempt.objects.filter(attempted_at__gte=since)
    for condition in (Q(email=email.lower()), Q(ip_address=ip_address)):
        times = list(
            recent.filter(condition).order_by("-attempted_at").values_list("attempted_at", flat=True)
        )
        if len(times) >= limit:
            # Blocked until the oldest failure that still counts toward the limit leaves the window.
            unblock_at = times[limit - 1] + window
            return max(1, int((unblock_at - timezone.now()).total_seconds()) + 1)
    return None


def login_failure_record(*, email: str, ip_address: str) -> None:
    LoginAttempt.objects.create(email=email.lower()[:254], ip_address=ip_address)


def login_success_record(*, email: str) -> None:
    LoginAttempt.objects.filter(email=email.lower()).delete()
