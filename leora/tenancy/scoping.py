"""Tenant scoping for every tenant-owned model.

A request, a job or a command activates one tenant with ``tenant_scope(tenant)``; while it is active
the default manager of every tenant-owned model filters by that tenant. Outside any scope a query of a
tenant-owned model raises ``ScopeError`` (when ``LEORA_ENFORCE_TENANT_SCOPES`` is on), so a forgotten
filter fails loudly instead of returning every tenant's rows. ``for_tenant(tenant)`` is always allowed:
it names the tenant explicitly, which is what services and selectors do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from leora.tenancy.models import Tenant

_ALL = object()
# None: no scope; _ALL: scoping deliberately disabled; int: the active tenant's id.
_active: ContextVar[object] = ContextVar("leora_tenant_scope", default=None)

M = TypeVar("M", bound=models.Model)


class ScopeError(RuntimeError):
    """A tenant-owned model was queried with no tenant named and no scope active."""


@contextlib.contextmanager
def tenant_scope(tenant: Tenant | int) -> Iterator[None]:
    """Run the block with ``tenant`` as the only visible tenant."""
    token = _active.set(tenant if isinstance(tenant, int) else tenant.pk)
    try:
        yield
    finally:
        _active.reset(token)


@contextlib.contextmanager
def scopes_disabled() -> Iterator[None]:
    """Run the block with every tenant visible: migrations, demo seeding, system jobs, tests' setup."""
    token = _active.set(_ALL)
    try:
        yield
    finally:
        _active.reset(token)


def active_tenant_id() -> int | None:
    """Return the id of the tenant in scope, or None when none (or all) are."""
    value = _active.get()
    return value if isinstance(value, int) else None


class TenantQuerySet(models.QuerySet[M], Generic[M]):
    def for_tenant(self, tenant: Tenant | int) -> TenantQuerySet[M]:
        tenant_id = tenant if isinstance(tenant, int) else tenant.pk
        return self.filter(tenant_id=tenant_id)


class TenantManager(models.Manager[M], Generic[M]):
    """Default manager of tenant-owned models; see the module docstring."""

    def _unchecked(self) -> TenantQuerySet[M]:
        return TenantQuerySet(self.model, using=self._db)

    def get_queryset(self) -> TenantQuerySet[M]:
        state = _active.get()
        queryset = self._unchecked()
        if isinstance(state, int):
            return queryset.filter(tenant_id=state)
        if state is None and settings.LEORA_ENFORCE_TENANT_SCOPES:
            raise ScopeError(
                f"{self.model.__name__} queried without a tenant: use .for_tenant(tenant), "
                "tenant_scope(tenant) or scopes_disabled()"
            )
        return queryset

    def for_tenant(self, tenant: Tenant | int) -> TenantQuerySet[M]:
        """Return the rows of ``tenant``; allowed with or without an active scope."""
        return self._unchecked().for_tenant(tenant)

    def create_for(self, tenant: Tenant, **fields: Any) -> M:
        """Create a row of ``tenant`` without needing an active scope."""
        obj = self.model(tenant=tenant, **fields)
        obj.save(force_insert=True)
        return obj


class TenantOwned(models.Model):
    """Abstract base of every business table: a non-null tenant, indexed first."""

    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, related_name="+")

    objects: TenantManager[Any] = TenantManager()

    class Meta:
        abstract = True


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Start a request with no tenant in scope and restore the previous state when it ends."""
    token = _active.set(None)
    try:
        yield
    finally:
        _active.reset(token)


def activate(tenant: Tenant | int) -> None:
    """Scope the rest of the current request to ``tenant``; only inside ``request_scope()``."""
    _active.set(tenant if isinstance(tenant, int) else tenant.pk)
