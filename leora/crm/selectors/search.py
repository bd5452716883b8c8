"""Search everywhere: the customers, contacts, orders and products one short text finds.

Every group reads through the selector that lists it elsewhere (``visible_customers``, ``contact_list``,
``order_list``, ``product_list``), so a search never finds a row its list would hide: a rep finds only their
own book's customers, contacts and orders, while products are the whole tenant's catalogue. Each group is
one query that starts from the tenant's rows and stops after ``limit + 1`` rows (the extra one only says
that there are more), so a search costs at most four small queries whatever the size of the tenant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Case, F, IntegerField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Replace

from leora.crm.models import Contact, Customer, Order, Product
from leora.crm.selectors.contacts import contact_list
from leora.crm.selectors.orders import order_list
from leora.crm.selectors.products import product_list
from leora.crm.visibility import visible_customers
from leora.tenancy.actors import Actor

SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100
GROUP_LIMIT = 5
# A phone number is matched on its digits once the text has this many, so "555 0103", "5550103" and
# "(415) 555-0103" find the same customer.
PHONE_MIN_DIGITS = 3
# What people type between a phone number's digits; removed from the stored number before comparing.
PHONE_SEPARATORS = (" ", "-", "(", ")", ".", "+", "/")

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class SearchGroup(Generic[M]):
    """Up to ``limit`` rows of one kind; ``more`` says the search found further ones."""

    items: list[M] = field(default_factory=list)
    more: bool = False


@dataclass(frozen=True)
class SearchResults:
    """What ``search`` found for ``query`` (the text as searched, trimmed), one group per kind."""

    query: str
    customers: SearchGroup[Customer] = field(default_factory=SearchGroup)
    contacts: SearchGroup[Contact] = field(default_factory=SearchGroup)
    orders: SearchGroup[Order] = field(default_factory=SearchGroup)
    products: SearchGroup[Product] = field(default_factory=SearchGroup)

    @property
    def searched(self) -> bool:
        """True when the text was long enough to search at all."""
        return len(self.query) >= SEARCH_MIN_LENGTH

    @property
    def count(self) -> int:
        """How many rows the groups show."""
        return sum(len(g.items) for g in (self.customers, self.contacts, self.orders, self.products))


def search_query(text: str | None) -> str:
    """Return ``text`` as it is searched: trimmed, inner runs of spaces made one, at most 100 characters."""
    return " ".join((text or "").split())[:SEARCH_MAX_LENGTH]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_digits(path: str) -> Replace:
    expression: F | Replace = F(path)
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    assert isinstance(expression, Replace)
    return expression


def _phone_match(queryset: QuerySet[Any], path: str, term: str) -> tuple[QuerySet[Any], Q]:
    """Annotate the digits of ``path`` and return the Q matching them, or an always-false Q."""
    digits = _digits(term)
    if len(digits) < PHONE_MIN_DIGITS:
        return queryset, Q(pk__in=[])
    alias = f"{path}_digits"
    return queryset.alias(**{alias: _phone_digits(path)}), Q(**{f"{alias}__contains": digits})


def _first_match(path: str, term: str) -> Case:
    # Rows whose name starts with the text come before those that only contain it.
    return Case(
        When(**{f"{path}__istartswith": term}, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def _group(queryset: QuerySet[M], limit: int) -> SearchGroup[M]:
    rows = list(queryset[: limit + 1])
    return SearchGroup(items=rows[:limit], more=len(rows) > limit)


def search_customers(*, actor: Actor, term: str, limit: int = GROUP_LIMIT) -> SearchGroup[Customer]:
    """Visible customers by name, account number, licence number or phone, names starting with the text
    first."""
    customers, by_phone = _phone_match(visible_customers(actor), "phone", term)
    matches = (
        Q(name__icontains=term)
        | Q(account_number__icontains=term)
        | Q(licence_number__icontains=term)
        | Q(phone__icontains=term)
        | by_phone
    )
    customers = (
        customers.filter(matches)
        .only("id", "name", "account_number", "city", "status", "account_type")
        .order_by(_first_match("name", term), "name", "pk")
    )
    return _group(customers, limit)


def search_contacts(*, actor: Actor, term: str, limit: int = GROUP_LIMIT) -> SearchGroup[Contact]:
    """Contacts of visible customers by name, email or phone, with their customer."""
    contacts, by_phone = _phone_match(contact_list(actor=actor), "phone", term)
    matches = Q(name__icontains=term) | Q(email__icontains=term) | Q(phone__icontains=term) | by_phone
    contacts = (
        contacts.filter(matches)
        .only(
            "id",
            "name",
            "title",
            "email",
            "phone",
            "customer__id",
            "customer__name",
            "customer__account_number",
        )
        .order_by(_first_match("name", term), "name", "pk")
    )
    return _group(contacts, limit)


def search_orders(*, actor: Actor, term: str, limit: int = GROUP_LIMIT) -> SearchGroup[Order]:
    """Visible orders whose number contains the text, latest first.

    Order numbers always carry digits, so a text without any finds none and costs no query.
    """
    if not _digits(term):
        return SearchGroup()
    orders = (
        order_list(actor=actor)
        .prefetch_related(None)  # the lines are not shown
        .select_related(None)
        .select_related("customer")
        .filter(order_number__icontains=term)
        .only(
            "id",
            "order_number",
            "order_date",
            "status",
            "total",
            "customer__id",
            "customer__name",
            "customer__account_number",
        )
        .order_by("-order_date", "-pk")
    )
    return _group(orders, limit)


def search_products(*, actor: Actor, term: str, limit: int = GROUP_LIMIT) -> SearchGroup[Product]:
    """The tenant's products by name, SKU or brand (the catalogue is tenant-wide), active ones first."""
    products = (
        product_list(actor=actor, search=term)
        .only("id", "sku", "name", "brand", "unit_price", "active")
        .order_by("-active", _first_match("name", term), "name", "pk")
    )
    return _group(products, limit)


def search(*, actor: Actor, text: str | None, limit: int = GROUP_LIMIT) -> SearchResults:
    """Return what ``text`` finds for ``actor``, grouped by kind, at most ``limit`` rows a group.

    A text shorter than SEARCH_MIN_LENGTH (after trimming) searches nothing and runs no query.
    """
    term = search_query(text)
    if len(term) < SEARCH_MIN_LENGTH:
        return SearchResults(query=term)
    return SearchResults(
        query=term,
        customers=search_customers(actor=actor, term=term, limit=limit),
        contacts=search_contacts(actor=actor, term=term, limit=limit),
        orders=search_orders(actor=actor, term=term, limit=limit),
        products=search_products(actor=actor, term=term, limit=limit),
    )
