"""Role scoping: which rows of a tenant an actor may see.

A sales rep sees the customers assigned to them and everything hanging off those customers; a
manager sees their team's (their own and their reps'); an admin sees the whole tenant. Rows outside
an actor's scope are simply absent from these querysets, so fetching one answers 404.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet

from leora.crm.models import Customer
from leora.errors import NotFound
from leora.tenancy.actors import Actor

M = TypeVar("M", bound=Model)


def visible_customers(actor: Actor) -> QuerySet[Customer]:
    """Return the customers ``actor`` may see, always scoped to the actor's tenant first."""
    customers = Customer.objects.for_tenant(actor.tenant)
    if actor.sees_whole_tenant:
        return customers
    return customers.filter(assigned_rep_id__in=actor.team_user_ids)


def customer_condition(actor: Actor, path: str = "customer") -> Q:
    """A Q that keeps rows whose ``path`` customer the actor may see (always true for admins)."""
    if actor.sees_whole_tenant:
        return Q()
    return Q(**{f"{path}__assigned_rep_id__in": actor.team_user_ids})


def scope_by_customer(queryset: QuerySet[M], actor: Actor, path: str = "customer") -> QuerySet[M]:
    """Restrict a tenant-owned queryset to rows hanging off customers the actor may see."""
    return queryset.filter(tenant_id=actor.tenant.pk).filter(customer_condition(actor, path))


def get_visible(queryset: QuerySet[M], pk: Any, what: str = "object") -> M:
    """Fetch one row by id from an already scoped queryset; anything else is a 404."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound(f"{what} not found") from None
