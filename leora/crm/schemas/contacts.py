from datetime import datetime

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.schemas.common import CustomerRef, not_blank, not_blank_or_none
from leora.pagination import ListParams
from leora.schema_types import EmailAddress


class ContactOut(Schema):
    id: int
    customer: CustomerRef
    name: str
    title: str
    email: str
    phone: str
    is_primary: bool
    created_at: datetime


class ContactIn(Schema):
    customer_id: int
    name: str = Field(..., max_length=200)
    title: str = Field("", max_length=100)
    email: EmailAddress | None = None
    phone: str = Field("", max_length=40)
    is_primary: bool = Field(
        False, description="the customer's one primary contact; setting it unsets others"
    )

    _name_not_blank = field_validator("name")(not_blank)


class ContactPatch(Schema):
    customer_id: int | None = None
    name: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=100)
    email: EmailAddress | None = None
    phone: str | None = Field(None, max_length=40)
    is_primary: bool | None = None

    _name_not_blank = field_validator("name")(not_blank_or_none)


class ContactFilters(ListParams):
    customer_id: int | None = None
    is_primary: bool | None = None
