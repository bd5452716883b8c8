"""Plain factory functions for tests: every object is created for an explicit tenant."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from leora.crm.facts import facts_deferred
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
from leora.tenancy.actors import Actor, actor_for
from leora.tenancy.models import Membership, Role, Tenant, User

_seq = itertools.count(1)


def make_tenant(slug: str, **fields: Any) -> Tenant:
    fields.setdefault("name", slug.title())
    return Tenant.objects.create(slug=slug, **fields)


def make_user(tenant: Tenant, email: str, role: str = Role.SALES_REP, manager: User | None = None) -> User:
    user = User.objects.create_user(email, "pw-for-tests-1", full_name=email.split("@")[0].title())
    Membership.objects.create(tenant=tenant, user=user, role=role, manager=manager)
    return user


def actor(tenant: Tenant, user: User) -> Actor:
    return actor_for(Membership.objects.select_related("tenant", "user").get(tenant=tenant, user=user))


def make_customer(tenant: Tenant, rep: User | None = None, **fields: Any) -> Customer:
    n = next(_seq)
    fields.setdefault("name", f"Customer {n}")
    fields.setdefault("account_number", f"T{n:06d}")
    return Customer.objects.create_for(tenant, assigned_rep=rep, **fields)


def make_contact(customer: Customer, **fields: Any) -> Contact:
    fields.setdefault("name", f"Contact {next(_seq)}")
    return Contact.objects.create_for(customer.tenant, customer=customer, **fields)


def make_product(tenant: Tenant, **fields: Any) -> Product:
    n = next(_seq)
    fields.setdefault("sku", f"SKU-{n:05d}")
    fields.setdefault("name", f"Product {n}")
    fields.setdefault("unit_price", Decimal("12.50"))
    return Product.objects.create_for(tenant, **fields)


def make_order(
    customer: Customer,
    lines: list[tuple[Product, int]] | None = None,
    order_date: date | None = None,
    **fields: Any,
) -> Order:
    tenant = customer.tenant
    # As the order services do: the customer's facts are refreshed once, not once per row.
    with facts_deferred():
        order = Order.objects.create_for(
            tenant,
            customer=customer,
            order_number=fields.pop("order_number", f"SO-{next(_seq):06d}"),
            order_date=order_date or timezone.localdate(),
            **fields,
        )
        total = Decimal("0")
        for product, quantity in lines or []:
            line_total = product.unit_price * quantity
            OrderLine.objects.create_for(
                tenant, order=order, product=product, quantity=quantity, unit_price=product.unit_price,
                line_total=line_total,
            )  # fmt: skip
            total += line_total
        if lines:
            order.total = total
            order.save(update_fields=["total"])
    return order


def make_invoice(customer: Customer, amount: str = "100.00", paid: str = "0", **fields: Any) -> Invoice:
    issued = fields.pop("issued_on", timezone.localdate() - timedelta(days=10))
    return Invoice.objects.create_for(
        customer.tenant,
        customer=customer,
        invoice_number=fields.pop("invoice_number", f"INV-{next(_seq):06d}"),
        amount=Decimal(amount),
        paid_amount=Decimal(paid),
        issued_on=issued,
        due_on=fields.pop("due_on", issued + timedelta(days=30)),
        **fields,
    )


def make_activity(
    customer: Customer, user: User | None = None, kind: str = "call", **fields: Any
) -> Activity:
    return Activity.objects.create_for(customer.tenant, customer=customer, user=user, kind=kind, **fields)


def make_task(tenant: Tenant, assigned_to: User, **fields: Any) -> Task:
    fields.setdefault("title", f"Task {next(_seq)}")
    return Task.objects.create_for(tenant, assigned_to=assigned_to, **fields)


def make_event(tenant: Tenant, user: User, **fields: Any) -> CalendarEvent:
    starts = fields.pop("starts_at", timezone.now() + timedelta(days=1))
    fields.setdefault("title", f"Event {next(_seq)}")
    return CalendarEvent.objects.create_for(
        tenant,
        user=user,
        starts_at=starts,
        ends_at=fields.pop("ends_at", starts + timedelta(hours=1)),
        **fields,
    )


def make_quota(tenant: Tenant, user: User, week_start: date, target: str = "5000") -> SalesQuota:
    return SalesQuota.objects.create_for(
        tenant, user=user, week_start=week_start, revenue_target=Decimal(target)
    )
