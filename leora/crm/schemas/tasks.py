from datetime import date, datetime

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.models import OPEN_TASK_STATUSES, TaskPriority, TaskStatus
from leora.crm.schemas.common import CustomerRef, not_blank, not_blank_or_none
from leora.pagination import ListParams
from leora.schema_types import UserRef


class TaskOut(Schema):
    id: int
    title: str
    description: str
    customer: CustomerRef | None
    assigned_to: UserRef
    assigned_by: UserRef | None
    due_date: date | None
    priority: TaskPriority
    status: TaskStatus
    is_overdue: bool = Field(False, description="open or in progress with a due date before today")
    completed_at: datetime | None
    created_at: datetime


class TaskIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = ""
    customer_id: int | None = None
    assigned_to_id: int | None = Field(None, description="defaults to the creating user")
    due_date: date | None = None
    priority: TaskPriority = TaskPriority.NORMAL
    status: TaskStatus = Field(
        TaskStatus.OPEN, description="open or in_progress; complete a task with /complete"
    )

    _title_not_blank = field_validator("title")(not_blank)

    @field_validator("status")
    @classmethod
    def _status_not_closed(cls, value: TaskStatus) -> TaskStatus:
        if value not in OPEN_TASK_STATUSES:
            raise ValueError("a new task is open or in_progress")
        return value


class TaskPatch(Schema):
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    customer_id: int | None = None
    assigned_to_id: int | None = None
    due_date: date | None = None
    priority: TaskPriority | None = None
    status: TaskStatus | None = None

    _title_not_blank = field_validator("title")(not_blank_or_none)


class TaskFilters(ListParams):
    assigned_to_id: int | None = None
    status: TaskStatus | None = None
    priority: TaskPriority | None = None
    customer_id: int | None = None
    due_from: date | None = Field(None, description="due on or after this date")
    due_to: date | None = Field(None, description="due on or before this date")
    overdue: bool | None = Field(None, description="true: only overdue tasks; false: only tasks not overdue")
    mine: bool | None = Field(None, description="true: only tasks assigned to the caller")
    from_others: bool | None = Field(
        None, description="true: only tasks someone else handed to the assignee; false: only self-made ones"
    )
