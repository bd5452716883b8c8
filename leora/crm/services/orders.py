"""Writes of orders. The total is always derived from the lines here, never taken from input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from leora.crm.facts import facts_deferred
from leora.crm.models import Customer, Order, OrderLine, OrderStatus, Product
from leora.crm.services.common import (
    assignable_rep,
    changed_fields,
    duplicate_number,
    insert_numbered,
    snapshot,
    visible_customer,
)
from leora.crm.signals import book_changed
from leora.errors import Conflict, FieldError, InvalidInput
from leora.events import event_emit
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import User
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["customer", "rep", "order_number", "order_date", "status", "total", "notes"]
CENT = Decimal("0.01")
# A money column holds 14 digits with 2 decimals.
MAX_MONEY = Decimal("999999999999.99")
MAX_QUANTITY = 1_000_000


@dataclass(frozen=True)
class LineRequest:
    """One requested line: what the API hands the services (unit_price None = the product's price)."""

    product_id: int
    quantity: int
    unit_price: Decimal | None = None


def _priced_lines(actor: Actor, requested: list[LineRequest]) -> list[OrderLine]:
    """Unsaved lines with prices and totals; every unknown or inactive product is a 422 naming it."""
    if not requested:
        raise InvalidInput.on("lines", "an order needs at least one line")
    ids = {line.product_id for line in requested}
    products: dict[int, Product] = Product.objects.for_tenant(actor.tenant).in_bulk(ids)
    errors: list[FieldError] = []
    lines: list[OrderLine] = []
    for index, line in enumerate(requested):
        product = products.get(line.product_id)
        field = f"lines.{index}.product_id"
        if product is None:
            errors.append(FieldError(field, f"no product with id {line.product_id} in this tenant"))
            continue
        if not product.active:
            errors.append(FieldError(field, f"{product.sku} is inactive and cannot be ordered"))
            continue
        if not 1 <= line.quantity <= MAX_QUANTITY:
            errors.append(FieldError(f"lines.{index}.quantity", f"must be between 1 and {MAX_QUANTITY:,}"))
            continue
        if line.unit_price is not None and not 0 <= line.unit_price <= MAX_MONEY:
            message = "must be zero or more" if line.unit_price < 0 else "is too large"
            errors.append(FieldError(f"lines.{index}.unit_price", message))
            continue
        unit_price = product.unit_price if line.unit_price is None else line.unit_price
        lines.append(
            OrderLine(
                tenant=actor.tenant, product=product, quantity=line.quantity, unit_price=unit_price,
                line_total=(unit_price * line.quantity).quantize(CENT),
            )
        )  # fmt: skip
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors)
    if sum((line.line_total for line in lines), Decimal("0")) > MAX_MONEY:
        raise InvalidInput.on("lines", "the order total is too large")
    return lines


def _save_lines(actor: Actor, order: Order, lines: list[OrderLine]) -> None:
    for line in lines:
        line.order = order
    saved = OrderLine.objects.for_tenant(actor.tenant).filter(order=order)
    saved.bulk_create(lines)
    # bulk_create bypasses model signals; the lines feed the customer's facts (distinct products).
    book_changed.send(sender=OrderLine, tenant_id=actor.tenant.pk, customer_ids=[order.customer_id])
    order.total = sum((line.line_total for line in lines), Decimal("0"))
    # Callers serialise order.lines next: fill the cache the way prefetch_related does, so the
    # response neither reloads the lines nor their products.
    saved._result_cache = lines
    saved._prefetch_done = True  # type: ignore[attr-defined]
    order._prefetched_objects_cache = {"lines": saved}  # type: ignore[attr-defined]


def _lines_snapshot(lines: list[OrderLine]) -> list[dict[str, Any]]:
    return [
        {"product_id": line.product_id, "quantity": line.quantity, "unit_price": str(line.unit_price),
         "line_total": str(line.line_total)}
        for line in lines
    ]  # fmt: skip


def _audit_state(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    return {**snapshot(order, AUDITED_FIELDS), "lines": _lines_snapshot(lines)}


def _current_lines(actor: Actor, order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.for_tenant(actor.tenant).filter(order=order).order_by("pk"))


def _order_rep(actor: Actor, customer: Customer, rep_id: int | None) -> User | None:
    if rep_id is not None:
        return assignable_rep(actor=actor, user_id=rep_id, field="rep_id")
    return actor.user if actor.is_rep else customer.assigned_rep


@transaction.atomic
@facts_deferred()  # the order and its lines refresh the customer's facts once, inside the transaction
def order_create(
    *,
    actor: Actor,
    customer_id: int,
    lines: list[LineRequest],
    order_number: str | None = None,
    order_date: date | None = None,
    status: str = OrderStatus.SUBMITTED,
    rep_id: int | None = None,
    notes: str = "",
) -> Order:
    """Create an order of a visible customer with its lines; returns it with ``total`` derived."""
    customer = visible_customer(actor=actor, customer_id=customer_id)
    rep = _order_rep(actor, customer, rep_id)
    priced = _priced_lines(actor, lines)
    if order_number and Order.objects.for_tenant(actor.tenant).filter(order_number=order_number).exists():
        raise duplicate_number("order_number", order_number, "order number")
    order = Order(
        tenant=actor.tenant, customer=customer, rep=rep, order_number=order_number or "",
        order_date=order_date or tenant_today(actor.tenant), status=status, notes=notes,
        total=sum((line.line_total for line in priced), Decimal("0")),
    )  # fmt: skip
    insert_numbered(
        order, numbers=Order.objects.for_tenant(actor.tenant), field="order_number", prefix="SO-",
        what="order number", generated=not order_number,
    )  # fmt: skip
    _save_lines(actor, order, priced)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="order.create", obj=order,
        after=_audit_state(order, priced),
    )  # fmt: skip
    event_emit(
        tenant_id=actor.tenant.pk, event="order.created",
        data={
            "id": order.pk, "order_number": order.order_number, "customer_id": customer.pk,
            "customer_name": customer.name, "order_date": order.order_date.isoformat(),
            "status": order.status,
            "total": str(order.total), "currency": actor.tenant.currency, "rep_id": order.rep_id,
            "lines": len(priced),
        },
    )  # fmt: skip
    return order


@transaction.atomic
@facts_deferred()
def order_update(*, actor: Actor, order: Order, changes: dict[str, Any]) -> Order:
    """Apply ``changes`` to a visible order; ``lines`` replaces every line and recomputes the total.

    A cancelled order is final (409), and a fulfilled order's lines are what was delivered (409).
    """
    if order.status == OrderStatus.CANCELLED:
        raise Conflict("a cancelled order cannot be edited")
    requested: list[LineRequest] | None = changes.pop("lines", None)
    if requested is not None and order.status == OrderStatus.FULFILLED:
        raise Conflict(
            "a fulfilled order's lines cannot be changed",
            [FieldError("lines", "the order is fulfilled")],
        )
    if "rep_id" in changes:
        changes["rep"] = assignable_rep(actor=actor, user_id=changes.pop("rep_id"), field="rep_id")
    old_lines = _current_lines(actor, order)
    new_lines = None if requested is None else _priced_lines(actor, requested)
    diff = changed_fields(order, changes)
    lines_changed = new_lines is not None and _lines_snapshot(new_lines) != _lines_snapshot(old_lines)
    if not diff and not lines_changed:
        return order
    before = _audit_state(order, old_lines)
    for name, value in diff.items():
        setattr(order, name, value)
    lines = old_lines
    if lines_changed and new_lines is not None:
        OrderLine.objects.for_tenant(actor.tenant).filter(order=order).delete()
        _save_lines(actor, order, new_lines)
        lines = new_lines
    order.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="order.update", obj=order,
        before=before, after=_audit_state(order, lines),
    )  # fmt: skip
    return order
