from datetime import datetime

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.schemas.common import CustomerRef, not_blank, not_blank_or_none
from leora.pagination import ListParams
from leora.schema_types import UserRef


class EventOut(Schema):
    id: int
    title: str
    user: UserRef
    customer: CustomerRef | None
    starts_at: datetime
    ends_at: datetime
    location: str
    notes: str
    created_at: datetime


class EventIn(Schema):
    title: str = Field(..., max_length=200)
    user_id: int | None = Field(None, description="whose calendar; defaults to the creating user")
    customer_id: int | None = None
    starts_at: datetime = Field(..., description="without an offset it is read in the tenant's time zone")
    ends_at: datetime = Field(..., description="at or after starts_at")
    location: str = Field("", max_length=200)
    notes: str = ""

    _title_not_blank = field_validator("title")(not_blank)


class EventPatch(Schema):
    title: str | None = Field(None, max_length=200)
    user_id: int | None = None
    customer_id: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: str | None = Field(None, max_length=200)
    notes: str | None = None

    _title_not_blank = field_validator("title")(not_blank_or_none)


class EventFilters(ListParams):
    user_id: int | None = None
    customer_id: int | None = None
    starts_from: datetime | None = Field(None, description="starting at or after this moment")
    starts_to: datetime | None = Field(None, description="starting before this moment")
