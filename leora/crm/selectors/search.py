"""Search everywhere: the customers, contacts, orders and products one short text finds.

Every group reads through the selector that lists it elsewhere (``visible_customers``, ``contact_list``,
``order_list``, ``product_list``), so a search never finds a row its list would hide: a rep finds only their
own book's customers, contacts and orders, while products are the whole tenant's catalogue. Each group is
one query that starts from the tenant's rows and stops after ``limit + 1`` rows (the extra one only says
that there are more), so a search costs at most four small queries whatever the size of the tenant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When

from leora.crm.models import Contact, Customer, Order, Product
from leora.crm.selectors.contacts import contact_list
from leora.crm.selectors.customers import customer_list
from leora.crm.selectors.orders import order_list
from leora.crm.selectors.phones import digits_of, phone_match
from leora.crm.selectors.products import product_list
from leora.tenancy.actors import Actor

SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100
GROUP_LIMIT = 5
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


def _first_match(path: str, term: str) -> Case:
    # Rows whose name starts with the text come before those that only contain it.
    return Case(
        When(**{f"{path}__istartswith": term}, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def _group(queryset: QuerySet[M], limit: int) -> SearchGroup[M]:
    rows = list(queryset[: limit + 1])
    return SearchGroup(items=rows[:limit], more=len(rows) > limit)


def search_customers(*, actor: Actor, term: str, limit: int = GROUP_LIMIT) -> SearchGroup[Customer]:
    """The customers the customer list finds for the text (``customer_list``'s search: name, account
    number, licence, phone, city, email), names starting with the text first."""
    customers = (
        customer_list(actor=actor, search=term)
        .select_related(None)
        .only("id", "name", "account_number", "city", "status", "account_type")
        .order_by(_first_match("name", term), "name", "pk")
    )
    return _group(customers, limit)


def search_contacts(*, actor: Actor, term: str, limit: int = GROUP_LIMIT) -> SearchGroup[Contact]:
    """Contacts of visible customers by name, email or phone, with their customer."""
    contacts, by_phone = phone_match(contact_list(actor=actor), "phone", term)
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
    if not digits_of(term):
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
