"""Shared fixtures: two tenants, a user of every role, and API clients acting as each of them.

Tenant ``acme`` has an admin, a manager with two reps (rep1, rep2) and a rep outside the manager's
team (rep3). Tenant ``other`` has its own admin and rep, whose data must never show through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from leora.tenancy.models import Role, Tenant, User
from leora.tenancy.scoping import scopes_disabled
from leora.tenancy.services.tokens import api_token_create
from tests import factories


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    # Real password hashing costs ~0.3 s a user; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unscoped() -> Iterator[None]:
    """Let test setup create and inspect rows of any tenant."""
    with scopes_disabled():
        yield


@dataclass
class World:
    acme: Tenant
    other: Tenant
    admin: User
    manager: User
    rep1: User
    rep2: User
    rep3: User
    other_admin: User
    other_rep: User


@pytest.fixture
def world(db: Any) -> World:
    acme = factories.make_tenant("acme", name="Acme Wines", timezone="America/Los_Angeles")
    other = factories.make_tenant("other", name="Other Spirits")
    manager = factories.make_user(acme, "manager@acme.test", Role.MANAGER)
    return World(
        acme=acme,
        other=other,
        admin=factories.make_user(acme, "admin@acme.test", Role.ADMIN),
        manager=manager,
        rep1=factories.make_user(acme, "rep1@acme.test", Role.SALES_REP, manager=manager),
        rep2=factories.make_user(acme, "rep2@acme.test", Role.SALES_REP, manager=manager),
        rep3=factories.make_user(acme, "rep3@acme.test", Role.SALES_REP),
        other_admin=factories.make_user(other, "admin@other.test", Role.ADMIN),
        other_rep=factories.make_user(other, "rep@other.test", Role.SALES_REP),
    )


class ApiClient:
    """A JSON client that authenticates every call with one user's bearer token."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def _send(self, method: str, path: str, data: Any = None, **params: Any) -> Any:
        call = getattr(self.client, method)
        if method in {"post", "patch", "put"}:
            return call(
                path, data=json.dumps(data or {}), content_type="application/json", headers=self.headers
            )
        return call(path, data=params or None, headers=self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self._send("get", path, **params)

    def post(self, path: str, data: Any = None) -> Any:
        return self._send("post", path, data)

    def patch(self, path: str, data: Any = None) -> Any:
        return self._send("patch", path, data)

    def put(self, path: str, data: Any = None) -> Any:
        return self._send("put", path, data)

    def delete(self, path: str) -> Any:
        return self._send("delete", path)


@pytest.fixture
def api_as(world: World) -> Any:
    """``api_as(world.rep1)`` returns an ApiClient acting as that user in their tenant."""

    def make(user: User) -> ApiClient:
        membership = user.memberships.select_related("tenant").get()
        return ApiClient(api_token_create(tenant=membership.tenant, user=user).plaintext)

    return make
