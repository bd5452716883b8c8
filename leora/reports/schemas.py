"""The reports API's schemas."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from ninja import Field, Schema

from leora.reports.models import Report, ReportStatus
from leora.reports.selectors import scope_label
from leora.schema_types import UserRef


class ReportIn(Schema):
    type: str = Field(
        ...,
        description="sales_by_rep, at_risk_accounts, balances_aging, product_performance or "
        "customer_statement",
    )
    format: str = Field("csv", description="csv, xlsx or pdf")
    date_from: date
    date_to: date = Field(..., description="inclusive; not before date_from")
    rep_id: int | None = Field(
        None,
        description="narrow to one rep's book: a manager's own reps, anyone for an admin, "
        "a rep only themselves",
    )
    customer_id: int | None = Field(None, description="the customer of a customer_statement (required there)")
    idempotency_key: str | None = Field(
        None, max_length=100, description="asking again with the same key returns the same report"
    )


class ReportScopeOut(Schema):
    kind: str = Field(..., description="tenant (everyone), team (a manager's team) or rep (one rep's book)")
    user: UserRef | None
    label: str


class ReportOut(Schema):
    id: int
    type: str
    type_label: str
    format: str
    date_from: date
    date_to: date
    scope: ReportScopeOut
    rep_id: int | None
    customer_id: int | None
    requested_by: UserRef
    status: str = Field(..., description="pending, processing, completed or failed")
    progress: int = Field(..., description="0-100")
    progress_message: str
    error: str
    job_id: str | None
    file_name: str
    content_type: str
    size: int = Field(..., description="bytes of the file once completed")
    row_count: int
    download_url: str | None = Field(None, description="set once the file is ready")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_type_label(obj: Report) -> str:
        return obj.get_type_display()

    @staticmethod
    def resolve_scope(obj: Report) -> dict[str, object]:
        return {"kind": obj.scope_kind, "user": obj.scope_user, "label": scope_label(obj)}

    @staticmethod
    def resolve_status(obj: Report) -> str:
        return obj.current_status

    @staticmethod
    def resolve_error(obj: Report) -> str:
        return obj.current_error

    @staticmethod
    def resolve_job_id(obj: Report) -> str | None:
        return str(obj.job_id) if obj.job_id else None

    @staticmethod
    def resolve_download_url(obj: Report) -> str | None:
        if obj.status != ReportStatus.COMPLETED:
            return None
        return reverse("api-1:download_report", kwargs={"report_id": obj.pk})


class ReportFilters(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)
    type: str | None = None
    status: str | None = None
    ordering: str | None = Field(
        None, description="created_at (default newest first), finished_at, type, status"
    )
