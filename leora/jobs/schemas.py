"""Pydantic schemas of the jobs API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from leora.jobs.models import JobStatus
from leora.pagination import ListParams


class JobErrorOut(Schema):
    at: str
    attempt: int
    worker: str = ""
    type: str
    message: str
    traceback: str = ""


class JobSummaryOut(Schema):
    id: UUID
    type: str
    status: JobStatus
    priority: int
    progress: int
    progress_message: str
    attempts: int
    max_attempts: int
    cancel_requested: bool
    last_error: str
    tenant_id: int | None
    created_by_id: int | None
    run_after: datetime
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobOut(JobSummaryOut):
    payload: dict[str, Any]
    result: Any = None
    errors: list[JobErrorOut]
    idempotency_key: str | None


class JobIn(Schema):
    type: str = Field(..., min_length=1, max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict)
    priority: int | None = Field(
        None, ge=-100, le=100, description="higher runs first; the type's default when unset"
    )
    run_after: datetime | None = Field(None, description="not before this time (aware ISO 8601)")


class JobFilters(ListParams):
    status: JobStatus | None = None
    type: str | None = Field(None, max_length=64)
    created_from: date | None = Field(None, description="created on or after this day")
    created_to: date | None = Field(None, description="created on or before this day")


class ProcessParams(Schema):
    max_jobs: int = Field(10, ge=1, le=100, description="run at most this many jobs")
    time_budget_seconds: float = Field(25.0, gt=0, le=300, description="claim no new job after this long")


class ProcessOut(Schema):
    processed: int
    succeeded: int
    failed: int
    retried: int
    cancelled: int
    lost: int = Field(description="jobs whose lease ran out while they ran; another worker owns them now")
    recovered: int
    scheduled: int
    job_ids: list[UUID]
    elapsed_seconds: float


class WorkerOut(Schema):
    worker_id: str
    hostname: str
    pid: int
    concurrency: int
    started_at: datetime
    last_seen_at: datetime
    jobs_done: int


class QueueStatusOut(Schema):
    by_status: dict[str, int]
    by_type: dict[str, dict[str, int]]
    oldest_pending_age_seconds: float | None
    completed_last_hour: int
    failed_last_hour: int
    workers: list[WorkerOut]
