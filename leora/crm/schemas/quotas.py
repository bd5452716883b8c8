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


class QuotaCopyWeekIn(Schema):
    from_week: date = Field(..., description="the Monday whose targets are copied")
    to_week: date = Field(..., description="the Monday that receives them")
    replace: bool = Field(False, description="overwrite targets already set in to_week")


class QuotaApplyForwardIn(Schema):
    user_id: int
    from_week: date = Field(..., description="the Monday whose target is applied to the weeks after it")
    weeks: int = Field(..., description="how many following weeks get the target (1 to 52)")
    replace: bool = Field(False, description="overwrite targets already set in those weeks")


class QuotaBulkOut(Schema):
    written: int = Field(..., description="targets created or changed")
    kept: int = Field(..., description="targets already set and left as they were")
