"""Writes of customers. Every change is atomic and writes an audit event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from leora.crm.models import AccountType, Customer, CustomerStatus, LicenceType
from leora.crm.services.common import (
    assignable_rep,
    changed_fields,
    duplicate_number,
    insert_numbered,
    snapshot,
)
from leora.errors import Conflict, FieldError, Forbidden
from leora.events import event_emit
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = [
    "name", "account_number", "account_type", "status", "assigned_rep", "territory", "street", "city",
    "region", "postal_code", "country", "phone", "email", "licence_number", "licence_type", "notes",
    "latitude", "longitude",
]  # fmt: skip


def _event_data(customer: Customer) -> dict[str, Any]:
    # What a webhook subscriber receives (docs/webhooks.md): ids and names, no contact details.
    return {
        "id": customer.pk, "account_number": customer.account_number, "name": customer.name,
        "account_type": customer.account_type, "status": customer.status,
        "assigned_rep_id": customer.assigned_rep_id,
    }  # fmt: skip


@transaction.atomic
def customer_create(
    *,
    actor: Actor,
    name: str,
    account_number: str | None = None,
    account_type: str = AccountType.PROSPECT,
    status: str = CustomerStatus.ACTIVE,
    assigned_rep_id: int | None = None,
    territory: str = "",
    street: str = "",
    city: str = "",
    region: str = "",
    postal_code: str = "",
    country: str = "US",
    phone: str = "",
    email: str | None = None,
    licence_number: str = "",
    licence_type: str = LicenceType.NONE,
    notes: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Customer:
    """Create a customer and return it. A rep's new accounts are assigned to themselves unless they name
    someone; an account number is generated (C000001) when none is given."""
    if assigned_rep_id is None and actor.is_rep:
        assigned_rep_id = actor.user.pk
    rep = assignable_rep(actor=actor, user_id=assigned_rep_id)
    chosen = account_number or ""
    customers = Customer.objects.for_tenant(actor.tenant)
    if chosen and customers.filter(account_number=chosen).exists():
        raise duplicate_number("account_number", chosen, "account number")
    customer = Customer(
        tenant=actor.tenant, name=name, account_number=chosen, account_type=account_type, status=status,
        assigned_rep=rep, territory=territory, street=street, city=city, region=region,
        postal_code=postal_code, country=country, phone=phone, email=email or "",
        licence_number=licence_number, licence_type=licence_type, notes=notes, latitude=latitude,
        longitude=longitude,
    )  # fmt: skip
    insert_numbered(
        customer, numbers=customers, field="account_number", prefix="C", what="account number",
        generated=not chosen,
    )  # fmt: skip
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="customer.create", obj=customer,
        after=snapshot(customer, AUDITED_FIELDS),
    )  # fmt: skip
    event_emit(tenant_id=actor.tenant.pk, event="customer.created", data=_event_data(customer))
    return customer


@transaction.atomic
def customer_update(*, actor: Actor, customer: Customer, changes: dict[str, Any]) -> Customer:
    """Apply ``changes`` to a customer the actor can see; an edit that changes nothing writes nothing.

    Moving the account to another rep (or to nobody) is for admins and managers (``leads_people``),
    within whom they may hand work to; a rep's account stays in their book (403 on ``assigned_rep_id``).
    """
    if "assigned_rep_id" in changes:
        rep_id = changes.pop("assigned_rep_id")
        # The account's current rep is no change, even when they could no longer be given it anew.
        if rep_id != customer.assigned_rep_id:
            if not actor.leads_people:
                message = "only a manager or an admin may move an account to another rep"
                refusal = Forbidden(message)
                refusal.errors = [FieldError("assigned_rep_id", message)]
                raise refusal
            changes["assigned_rep"] = assignable_rep(actor=actor, user_id=rep_id)
    number = changes.get("account_number")
    if number and number != customer.account_number:
        taken = (
            Customer.objects.for_tenant(actor.tenant).filter(account_number=number).exclude(pk=customer.pk)
        )
        if taken.exists():
            raise duplicate_number("account_number", number, "account number")
    diff = changed_fields(customer, changes)
    if not diff:
        return customer
    before = snapshot(customer, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(customer, name, value)
    customer.updated_at = timezone.now()
    customer.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="customer.update", obj=customer,
        before=before, after=snapshot(customer, AUDITED_FIELDS),
    )  # fmt: skip
    changed = sorted("assigned_rep_id" if name == "assigned_rep" else name for name in diff)
    data = {**_event_data(customer), "changed": changed}
    event_emit(tenant_id=actor.tenant.pk, event="customer.updated", data=data)
    return customer


@transaction.atomic
def customer_delete(*, actor: Actor, customer: Customer) -> None:
    """Delete a customer with no orders or invoices (admins only); otherwise close it instead."""
    require_role(actor, Role.ADMIN)
    before = snapshot(customer, AUDITED_FIELDS)
    customer_id = customer.pk
    try:
        with transaction.atomic():
            customer.delete()
    except (ProtectedError, IntegrityError):
        raise Conflict("this customer has orders or invoices; set its status to closed instead") from None
    customer.pk = customer_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="customer.delete", obj=customer, before=before)
