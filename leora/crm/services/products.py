"""Writes of the product catalogue: admins only. Every change is atomic and audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from leora.crm.models import Product, ProductCategory
from leora.crm.services.common import changed_fields, duplicate_number, snapshot
from leora.errors import Conflict, InvalidInput, NotFound
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["sku", "name", "brand", "category", "unit_price", "active"]


# The largest amount a money column (14 digits, 2 of them cents) holds.
MAX_PRICE = Decimal("999999999999.99")


def _check_fields(changes: dict[str, Any]) -> dict[str, Any]:
    """Return ``changes`` with text stripped, refusing (422, naming the field) a blank SKU or name, an
    unknown category and a negative or oversized price: the API's schema checks the same at its door,
    and the pages rely on these."""
    checked = dict(changes)
    for name in ("sku", "name", "brand"):
        if isinstance(checked.get(name), str):
            checked[name] = checked[name].strip()
    for name, label in (("sku", "SKU"), ("name", "name")):
        if name in checked and not checked[name]:
            raise InvalidInput.on(name, f"give the product a {label}")
    if "category" in checked and checked["category"] not in ProductCategory.values:
        raise InvalidInput.on("category", f"choose one of {', '.join(ProductCategory.values)}")
    price = checked.get("unit_price")
    if price is not None:
        if not price.is_finite():
            raise InvalidInput.on("unit_price", "enter a price, such as 18.50")
        if price < 0:
            raise InvalidInput.on("unit_price", "a price cannot be negative")
        if price > MAX_PRICE:
            raise InvalidInput.on("unit_price", "that price is too large")
    return checked


def _check_sku_free(actor: Actor, sku: str, product: Product | None = None) -> None:
    taken = Product.objects.for_tenant(actor.tenant).filter(sku=sku)
    if product is not None:
        taken = taken.exclude(pk=product.pk)
    if taken.exists():
        raise duplicate_number("sku", sku, "SKU")


@transaction.atomic
def product_create(
    *,
    actor: Actor,
    sku: str,
    name: str,
    unit_price: Decimal,
    brand: str = "",
    category: str = ProductCategory.WINE,
    active: bool = True,
) -> Product:
    """Create and return a product (admins only); a SKU already used in the tenant is a 409, a blank
    SKU or name, an unknown category or a negative price a 422."""
    require_role(actor, Role.ADMIN)
    fields = _check_fields(
        {"sku": sku, "name": name, "brand": brand, "category": category, "unit_price": unit_price}
    )
    sku, name, brand = fields["sku"], fields["name"], fields["brand"]
    _check_sku_free(actor, sku)
    product = Product(
        tenant=actor.tenant,
        sku=sku,
        name=name,
        brand=brand,
        category=category,
        unit_price=unit_price,
        active=active,
    )
    product.save(force_insert=True)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="product.create", obj=product,
        after=snapshot(product, AUDITED_FIELDS),
    )  # fmt: skip
    return product


@transaction.atomic
def product_update(*, actor: Actor, product: Product, changes: dict[str, Any]) -> Product:
    """Apply ``changes`` to a product (admins only); prices on existing order lines do not move."""
    require_role(actor, Role.ADMIN)
    if product.tenant_id != actor.tenant.pk:
        raise NotFound("product not found")
    changes = _check_fields(changes)
    if changes.get("sku"):
        _check_sku_free(actor, changes["sku"], product)
    diff = changed_fields(product, changes)
    if not diff:
        return product
    before = snapshot(product, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(product, name, value)
    product.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="product.update", obj=product,
        before=before, after=snapshot(product, AUDITED_FIELDS),
    )  # fmt: skip
    return product


@transaction.atomic
def product_delete(*, actor: Actor, product: Product) -> None:
    """Delete a product never ordered (admins only); an ordered one is a 409: deactivate it instead."""
    require_role(actor, Role.ADMIN)
    before = snapshot(product, AUDITED_FIELDS)
    product_id = product.pk
    try:
        with transaction.atomic():
            product.delete()
    except (ProtectedError, IntegrityError):
        raise Conflict("this product is on orders; set active to false instead") from None
    product.pk = product_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="product.delete", obj=product, before=before)
