from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.models import Invoice, PaymentMethod
from leora.crm.schemas.common import Cents, CustomerRef, not_blank_or_none
from leora.crm.selectors.invoices import aging_bucket, days_past_due, invoice_state
from leora.pagination import ListParams
from leora.schema_types import UserRef
from leora.tenancy.calendar import tenant_today


class InvoiceOut(Schema):
    id: int
    invoice_number: str
    customer: CustomerRef
    order_id: int | None
    amount: Decimal
    paid_amount: Decimal
    balance: Decimal = Field(..., description="amount minus payments")
    issued_on: date
    due_on: date
    days_past_due: int = Field(..., description="0 unless a balance is left after the due date")
    aging_bucket: Literal["current", "1-30", "31-60", "61-90", "90+"]
    state: Literal["paid", "open", "overdue"]
    created_at: datetime

    @staticmethod
    def resolve_days_past_due(obj: Invoice) -> int:
        return days_past_due(obj, tenant_today(obj.tenant))

    @staticmethod
    def resolve_aging_bucket(obj: Invoice) -> str:
        return aging_bucket(days_past_due(obj, tenant_today(obj.tenant)))

    @staticmethod
    def resolve_state(obj: Invoice) -> str:
        return invoice_state(obj, tenant_today(obj.tenant))


class InvoiceIn(Schema):
    customer_id: int
    order_id: int | None = Field(None, description="the order billed; must belong to the customer")
    invoice_number: str | None = Field(None, max_length=40, description="generated (INV-000001) when omitted")
    amount: Cents | None = Field(
        None, ge=0, max_digits=14, decimal_places=2, description="defaults to the order's total"
    )
    issued_on: date | None = Field(None, description="defaults to today in the tenant's timezone")
    due_on: date | None = Field(None, description="defaults to 30 days after issued_on")

    _number_not_blank = field_validator("invoice_number")(not_blank_or_none)


class InvoicePatch(Schema):
    invoice_number: str | None = Field(None, min_length=1, max_length=40)
    amount: Cents | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    issued_on: date | None = None
    due_on: date | None = None


class PaymentIn(Schema):
    amount: Cents = Field(..., gt=0, max_digits=14, decimal_places=2)
    paid_on: date | None = Field(None, description="the day it was received; defaults to today (tenant's)")
    method: PaymentMethod = PaymentMethod.OTHER
    reference: str = Field("", max_length=100, description="cheque number, transfer reference, ...")


class PaymentOut(Schema):
    id: int
    invoice_id: int
    amount: Decimal
    paid_on: date
    method: PaymentMethod
    reference: str
    recorded_by: UserRef | None
    created_at: datetime


class InvoiceFilters(ListParams):
    customer_id: int | None = None
    order_id: int | None = Field(None, description="the invoices billing this order")
    overdue: bool | None = Field(None, description="true: a balance is left after the due date")
    open: bool | None = Field(None, description="true: a balance is left")
    due_from: date | None = None
    due_to: date | None = None
