from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from leora.crm.models import AccountType, CustomerStatus, OrderStatus
from leora.crm.schemas.common import CustomerRef
from leora.crm.selectors.search import GROUP_LIMIT, SEARCH_MAX_LENGTH, SEARCH_MIN_LENGTH


class SearchParams(Schema):
    q: str = Field(
        "",
        max_length=SEARCH_MAX_LENGTH,
        description=f"the text to find; shorter than {SEARCH_MIN_LENGTH} characters finds nothing",
    )
    limit: int = Field(GROUP_LIMIT, ge=1, le=20, description="at most this many rows in each group")


class SearchCustomerOut(Schema):
    id: int
    name: str
    account_number: str
    city: str
    account_type: AccountType
    status: CustomerStatus


class SearchContactOut(Schema):
    id: int
    name: str
    title: str
    email: str
    phone: str
    customer: CustomerRef


class SearchOrderOut(Schema):
    id: int
    order_number: str
    order_date: date
    status: OrderStatus
    total: Decimal
    customer: CustomerRef


class SearchProductOut(Schema):
    id: int
    sku: str
    name: str
    brand: str
    unit_price: Decimal
    active: bool


class SearchCustomers(Schema):
    items: list[SearchCustomerOut]
    more: bool = Field(description="true when more rows match than the group shows")


class SearchContacts(Schema):
    items: list[SearchContactOut]
    more: bool


class SearchOrders(Schema):
    items: list[SearchOrderOut]
    more: bool


class SearchProducts(Schema):
    items: list[SearchProductOut]
    more: bool


class SearchOut(Schema):
    query: str = Field(description="the text as searched: trimmed, runs of spaces made one")
    customers: SearchCustomers
    contacts: SearchContacts
    orders: SearchOrders
    products: SearchProducts
