from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from leora.crm.schemas.common import Cents
from leora.pagination import ListParams
from leora.schema_types import UserRef


class QuotaOut(Schema):
    id: int
    user: UserRef
    week_start: date
    revenue_target: Decimal
    set_by: UserRef | None
    created_at: datetime


class QuotaIn(Schema):
    user_id: int
    week_start: date = Field(..., description="a Monday: weeks start on Monday")
    revenue_target: Cents = Field(..., ge=0, max_digits=14, decimal_places=2)


class QuotaPatch(Schema):
    week_start: date | None = Field(None, description="a Monday: weeks start on Monday")
    revenue_target: Cents | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class QuotaFilters(ListParams):
    user_id: int | None = None
    week_start_from: date | None = None
    week_start_to: date | None = None
