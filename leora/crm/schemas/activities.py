from datetime import date, datetime

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.models import ActivityKind, TaskStatus
from leora.crm.schemas.common import CustomerRef, not_blank
from leora.pagination import ListParams
from leora.schema_types import UserRef


class ActivityOut(Schema):
    id: int
    customer: CustomerRef
    user: UserRef | None
    kind: ActivityKind
    subject: str
    outcome: str
    occurred_at: datetime
    created_at: datetime


class FollowUpIn(Schema):
    title: str = Field(..., max_length=200)
    due_date: date | None = None

    _title_not_blank = field_validator("title")(not_blank)


class FollowUpTaskOut(Schema):
    id: int
    title: str
    due_date: date | None
    status: TaskStatus
    assigned_to: UserRef


class ActivityCreatedOut(ActivityOut):
    follow_up_task: FollowUpTaskOut | None = Field(
        None, description="the task created with the activity, when a follow_up was given"
    )


class ActivityIn(Schema):
    customer_id: int
    kind: ActivityKind
    subject: str = Field("", max_length=200)
    outcome: str = ""
    occurred_at: datetime | None = Field(
        None, description="defaults to now; a time without an offset is in the tenant's timezone"
    )
    user_id: int | None = Field(
        None, description="who did it; defaults to you (managers may log for their team)"
    )
    follow_up: FollowUpIn | None = Field(
        None, description="a task created in the same transaction, for the same person, on the same customer"
    )


class ActivityPatch(Schema):
    kind: ActivityKind | None = None
    subject: str | None = Field(None, max_length=200)
    outcome: str | None = None
    occurred_at: datetime | None = None


class ActivityFilters(ListParams):
    customer_id: int | None = None
    user_id: int | None = None
    kind: ActivityKind | None = None
    occurred_from: date | datetime | None = Field(None, description="a date (from its start) or a time")
    occurred_to: date | datetime | None = Field(None, description="a date (to its end) or a time")
