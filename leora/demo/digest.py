"""A fingerprint of a tenant's business data by natural keys, to compare two seeding runs.

Database ids and password hashes are left out, and rows are combined by a sum of their hashes, which
does not depend on the order rows come back in (collations differ between databases). Two runs with
the same seed therefore give the same digest on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from leora.crm.models import (
    Activity,
    CalendarEvent,
    Contact,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Product,
    SalesQuota,
    Task,
)
from leora.tenancy.models import Membership, Tenant

MODULUS = 2**256


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def _parts(tenant: Tenant) -> Iterable[tuple[str, Iterable[tuple[Any, ...]]]]:
    yield "tenant", [(tenant.slug, tenant.name, tenant.timezone, tenant.currency)]
    yield (
        "people",
        Membership.objects.filter(tenant=tenant).values_list(
            "user__email", "user__full_name", "role", "manager__email"
        ),
    )
    yield (
        "products",
        Product.objects.for_tenant(tenant).values_list("sku", "name", "brand", "category", "unit_price"),
    )
    yield (
        "customers",
        Customer.objects.for_tenant(tenant)
        .values_list(
            "account_number", "name", "account_type", "status", "assigned_rep__email", "territory", "street",
            "city", "region", "postal_code", "phone", "email", "licence_number", "licence_type", "created_at",
        ),
    )  # fmt: skip
    yield (
        "contacts",
        Contact.objects.for_tenant(tenant).values_list(
            "customer__account_number", "name", "title", "email", "is_primary"
        ),
    )
    yield (
        "orders",
        Order.objects.for_tenant(tenant).values_list(
            "order_number", "customer__account_number", "rep__email", "order_date", "status", "total"
        ),
    )
    yield (
        "lines",
        OrderLine.objects.for_tenant(tenant).values_list(
            "order__order_number", "product__sku", "quantity", "unit_price", "line_total"
        ),
    )
    yield (
        "invoices",
        Invoice.objects.for_tenant(tenant).values_list(
            "invoice_number", "order__order_number", "amount", "paid_amount", "issued_on", "due_on"
        ),
    )
    yield (
        "activities",
        Activity.objects.for_tenant(tenant).values_list(
            "customer__account_number", "user__email", "kind", "subject", "outcome", "occurred_at"
        ),
    )
    yield (
        "tasks",
        Task.objects.for_tenant(tenant)
        .values_list(
            "title", "description", "customer__account_number", "assigned_to__email", "assigned_by__email",
            "due_date", "priority", "status", "completed_at",
        ),
    )  # fmt: skip
    yield (
        "events",
        CalendarEvent.objects.for_tenant(tenant).values_list(
            "title", "user__email", "customer__account_number", "starts_at", "ends_at"
        ),
    )
    yield (
        "quotas",
        SalesQuota.objects.for_tenant(tenant).values_list(
            "user__email", "week_start", "revenue_target", "set_by__email"
        ),
    )


def tenant_digest(tenant: Tenant) -> str:
    """Return a SHA-256 hex digest of ``tenant``'s people, catalogue, accounts and history."""
    digest = hashlib.sha256()
    for label, rows in _parts(tenant):
        total = 0
        count = 0
        for row in rows.iterator(chunk_size=5000) if isinstance(rows, QuerySet) else rows:
            line = "\x1f".join(_text(value) for value in row).encode()
            total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % MODULUS
            count += 1
        digest.update(f"[{label}:{count}:{total:x}]".encode())
    return digest.hexdigest()
