"""Writes of contacts. Anyone who can see a customer may keep its contacts up to date."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from leora.crm.models import Contact, Customer
from leora.crm.services.common import changed_fields, snapshot, visible_customer
from leora.tenancy.actors import Actor
from leora.tenancy.services.audit import audit_record

AUDITED_FIELDS = ["customer", "name", "title", "email", "phone", "is_primary"]


def _demote_other_primaries(actor: Actor, contact: Contact) -> None:
    # A customer has at most one primary contact: the newest choice wins.
    Contact.objects.for_tenant(actor.tenant).filter(customer_id=contact.customer_id, is_primary=True).exclude(
        pk=contact.pk
    ).update(is_primary=False)


@transaction.atomic
def contact_create(
    *,
    actor: Actor,
    customer_id: int,
    name: str,
    title: str = "",
    email: str | None = None,
    phone: str = "",
    is_primary: bool = False,
) -> Contact:
    """Create and return a contact of a customer the actor can see (422 on ``customer_id`` otherwise).
    A new primary contact makes the customer's other contacts non-primary."""
    customer = visible_customer(actor=actor, customer_id=customer_id)
    contact = Contact(
        tenant=actor.tenant, customer=customer, name=name, title=title, email=email or "", phone=phone,
        is_primary=is_primary,
    )  # fmt: skip
    contact.save(force_insert=True)
    if contact.is_primary:
        _demote_other_primaries(actor, contact)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="contact.create", obj=contact,
        after=snapshot(contact, AUDITED_FIELDS),
    )  # fmt: skip
    return contact


@transaction.atomic
def contact_update(*, actor: Actor, contact: Contact, changes: dict[str, Any]) -> Contact:
    """Apply ``changes`` to a visible contact; moving it needs the new customer to be visible too."""
    if "customer_id" in changes:
        customer: Customer = visible_customer(actor=actor, customer_id=changes.pop("customer_id"))
        changes["customer"] = customer
    diff = changed_fields(contact, changes)
    if not diff:
        return contact
    before = snapshot(contact, AUDITED_FIELDS)
    for name, value in diff.items():
        setattr(contact, name, value)
    contact.save()
    if contact.is_primary:
        _demote_other_primaries(actor, contact)
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="contact.update", obj=contact,
        before=before, after=snapshot(contact, AUDITED_FIELDS),
    )  # fmt: skip
    return contact


@transaction.atomic
def contact_delete(*, actor: Actor, contact: Contact) -> None:
    """Delete a visible contact."""
    before = snapshot(contact, AUDITED_FIELDS)
    contact_id = contact.pk
    contact.delete()
    contact.pk = contact_id
    audit_record(tenant=actor.tenant, actor=actor.user, action="contact.delete", obj=contact, before=before)
