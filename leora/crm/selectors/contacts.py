"""Reads of contacts: visible exactly when their customer is."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from leora.crm.models import Contact
from leora.crm.visibility import get_visible, scope_by_customer
from leora.tenancy.actors import Actor

CONTACT_ORDERING = {"name", "title", "email", "is_primary", "created_at", "customer__name"}


def _visible_contacts(actor: Actor) -> QuerySet[Contact]:
    return scope_by_customer(Contact.objects.for_tenant(actor.tenant), actor).select_related("customer")


def contact_list(
    *,
    actor: Actor,
    search: str | None = None,
    customer_id: int | None = None,
    is_primary: bool | None = None,
) -> QuerySet[Contact]:
    """Return the contacts of customers the actor may see, filtered; ordering is left to the caller."""
    contacts = _visible_contacts(actor)
    if search:
        term = search.strip()
        contacts = contacts.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
            | Q(title__icontains=term)
            | Q(customer__name__icontains=term)
        )
    if customer_id is not None:
        contacts = contacts.filter(customer_id=customer_id)
    if is_primary is not None:
        contacts = contacts.filter(is_primary=is_primary)
    return contacts


def contact_get(*, actor: Actor, contact_id: int) -> Contact:
    """Return one visible contact; another tenant's or another rep's answers NotFound."""
    return get_visible(_visible_contacts(actor), contact_id, "contact")
