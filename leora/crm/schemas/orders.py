from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.models import OrderLine, OrderStatus
from leora.crm.schemas.common import Cents, CustomerRef, not_blank_or_none
from leora.pagination import ListParams
from leora.schema_types import UserRef


class OrderLineOut(Schema):
    id: int
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal

    @staticmethod
    def resolve_sku(obj: OrderLine) -> str:
        return obj.product.sku

    @staticmethod
    def resolve_name(obj: OrderLine) -> str:
        return obj.product.name


class OrderOut(Schema):
    id: int
    order_number: str
    customer: CustomerRef
    rep: UserRef | None
    order_date: date
    status: OrderStatus
    total: Decimal = Field(..., description="the sum of the line totals")
    notes: str
    created_at: datetime
    lines: list[OrderLineOut]


class OrderLineIn(Schema):
    product_id: int
    quantity: int = Field(..., ge=1, le=1_000_000)
    unit_price: Cents | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="defaults to the product's price"
    )


class OrderIn(Schema):
    customer_id: int
    order_number: str | None = Field(None, max_length=40, description="generated (SO-000001) when omitted")
    order_date: date | None = Field(None, description="defaults to today in the tenant's timezone")
    status: OrderStatus = OrderStatus.SUBMITTED
    rep_id: int | None = Field(None, description="defaults to the creating rep, else the account's rep")
    notes: str = ""
    lines: list[OrderLineIn] = Field(..., min_length=1, max_length=500)

    _number_not_blank = field_validator("order_number")(not_blank_or_none)

    @field_validator("status")
    @classmethod
    def _not_born_cancelled(cls, value: OrderStatus) -> OrderStatus:
        if value == OrderStatus.CANCELLED:
            raise ValueError("a new order cannot be cancelled")
        return value


class OrderPatch(Schema):
    status: OrderStatus | None = None
    notes: str | None = None
    order_date: date | None = None
    rep_id: int | None = None
    lines: list[OrderLineIn] | None = Field(
        None, min_length=1, max_length=500, description="replaces every line; the total is recomputed"
    )


class OrderFilters(ListParams):
    customer_id: int | None = None
    status: OrderStatus | None = None
    rep_id: int | None = None
    order_date_from: date | None = None
    order_date_to: date | None = None
