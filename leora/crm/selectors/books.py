"""Reads of people's books: how many customers are assigned to each person."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from leora.crm.models import Customer
from leora.tenancy.models import Tenant


def book_size(*, tenant: Tenant, person_field: str = "user_id") -> Coalesce:
    """Return an expression counting the customers of ``tenant`` assigned to the person whose user id
    is in ``person_field`` of the outer query (0 for nobody's), to annotate a list of people with in the
    same query."""
    per_rep = (
        Customer.objects.for_tenant(tenant)
        .filter(assigned_rep_id=OuterRef(person_field))
        .order_by()
        .values("assigned_rep_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_rep, output_field=IntegerField()), Value(0))
