"""Reads of products: the catalogue is tenant-wide, so every member of the tenant sees all of it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from leora.crm.models import Product
from leora.crm.visibility import get_visible
from leora.tenancy.actors import Actor

PRODUCT_ORDERING = {"sku", "name", "brand", "category", "unit_price", "active", "created_at"}


def product_list(
    *,
    actor: Actor,
    search: str | None = None,
    category: str | None = None,
    active: bool | None = None,
    brand: str | None = None,
) -> QuerySet[Product]:
    """Return the tenant's products, filtered; ordering is left to the caller."""
    products = Product.objects.for_tenant(actor.tenant)
    if search:
        term = search.strip()
        products = products.filter(
            Q(sku__icontains=term) | Q(name__icontains=term) | Q(brand__icontains=term)
        )
    if category:
        products = products.filter(category=category)
    if active is not None:
        products = products.filter(active=active)
    if brand:
        products = products.filter(brand__iexact=brand.strip())
    return products


def product_get(*, actor: Actor, product_id: int) -> Product:
    """Return one product of the actor's tenant; another tenant's answers NotFound."""
    return get_visible(Product.objects.for_tenant(actor.tenant), product_id, "product")
