"""Cache keys of metric results: a result is reused until its definition or the tenant's data changes.

Two per-tenant tokens take part in every key: the *data* token, replaced whenever an order, order
line, invoice, activity or customer of the tenant is saved or deleted, and the *definitions* token,
replaced on any change to the tenant's metrics (a segment may reference another one). A token is a
random string, not a counter, so an evicted token can never come back with an old value.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction

TIMEOUT_SECONDS = 15 * 60


def _token_key(kind: str, tenant_id: int) -> str:
    return f"leora:metrics:{kind}:{tenant_id}"


def token(kind: str, tenant_id: int) -> str:
    """Return the current ``data`` or ``definitions`` token of a tenant, creating one when missing."""
    return tokens(tenant_id, kind)[0]


def tokens(tenant_id: int, *kinds: str) -> list[str]:
    """Return the current tokens of ``kinds`` for a tenant in one cache read, creating missing ones."""
    keys = [_token_key(kind, tenant_id) for kind in kinds]
    found = cache.get_many(keys)
    for key in keys:
        if found.get(key) is None:
            # add() keeps a token another process created meanwhile; read back whichever won.
            cache.add(key, uuid.uuid4().hex, None)
            found[key] = cache.get(key)
    return [str(found[key]) for key in keys]


def bump(kind: str, tenant_id: int) -> None:
    """Replace the token now and again when the transaction commits.

    The second replacement closes the window in which another request could read the old rows
    after the first one and cache them under the new token.
    """
    key = _token_key(kind, tenant_id)
    cache.set(key, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))


def count_key(*, tenant_id: int, scope: str, code: str, version: int, today: str) -> str:
    """Return the cache key of a segment's count for one scope."""
    data, definitions = tokens(tenant_id, "data", "definitions")
    return f"leora:metrics:count:{tenant_id}:{scope}:{code}:{version}:{today}:{definitions}:{data}"


def get(key: str) -> Any:
    return cache.get(key)


def put(key: str, value: Any) -> None:
    cache.set(key, value, TIMEOUT_SECONDS)
