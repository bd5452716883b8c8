"""Reads of customers, scoped to the tenant and the actor's role."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from leora.crm.models import Customer
from leora.crm.selectors.phones import phone_match
from leora.crm.visibility import get_visible, visible_customers
from leora.tenancy.actors import Actor

CUSTOMER_ORDERING = {"name", "account_number", "account_type", "status", "territory", "city", "created_at"}


def customer_list(
    *,
    actor: Actor,
    search: str | None = None,
    account_type: str | None = None,
    status: str | None = None,
    assigned_rep_id: int | None = None,
    territory: str | None = None,
) -> QuerySet[Customer]:
    """Return the customers the actor may see, filtered; ordering is left to the caller."""
    customers = visible_customers(actor).select_related("assigned_rep")
    if search and search.strip():
        term = search.strip()
        customers, by_phone = phone_match(customers, "phone", term)
        customers = customers.filter(
            Q(name__icontains=term)
            | Q(account_number__icontains=term)
            | Q(city__icontains=term)
            | Q(email__icontains=term)
            | Q(licence_number__icontains=term)
            | Q(phone__icontains=term)
            | by_phone
        )
    if account_type:
        customers = customers.filter(account_type=account_type)
    if status:
        customers = customers.filter(status=status)
    if assigned_rep_id is not None:
        customers = customers.filter(assigned_rep_id=assigned_rep_id)
    if territory:
        customers = customers.filter(territory__iexact=territory)
    return customers


def customer_get(*, actor: Actor, customer_id: int) -> Customer:
    """Return one visible customer; another tenant's or another rep's answers NotFound."""
    return get_visible(visible_customers(actor).select_related("assigned_rep"), customer_id, "customer")
