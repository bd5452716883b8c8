"""The jobs API: the processor trigger (its own key) and the admins' job endpoints (user tokens)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.jobs.auth import ProcessorKeyAuth
from leora.jobs.processing import process_jobs
from leora.jobs.schemas import (
    JobFilters,
    JobIn,
    JobOut,
    JobSummaryOut,
    ProcessOut,
    ProcessParams,
    QueueStatusOut,
)
from leora.jobs.selectors import JOB_ORDERING, job_get, job_list, queue_status
from leora.jobs.services import job_cancel, job_create, job_retry
from leora.pagination import apply_ordering, page_of, paginate
from leora.tenancy.auth import actor_of

router = Router()
processor_auth = ProcessorKeyAuth()


@router.post("/process", response=ProcessOut, auth=processor_auth, summary="Run a batch of ready jobs")
def process(request: HttpRequest, params: Query[ProcessParams]) -> Any:
    return process_jobs(max_jobs=params.max_jobs, budget_seconds=params.time_budget_seconds)


@router.get("/process", response=QueueStatusOut, auth=processor_auth, summary="Queue status")
def status(request: HttpRequest) -> Any:
    return queue_status()


@router.get("", response=page_of(JobSummaryOut), summary="List jobs (admins)")
def list_jobs(request: HttpRequest, filters: Query[JobFilters]) -> dict[str, Any]:
    jobs = job_list(
        actor=actor_of(request),
        status=filters.status,
        job_type=filters.type,
        created_from=filters.created_from,
        created_to=filters.created_to,
        search=filters.search,
    )
    return paginate(apply_ordering(jobs, filters.ordering, JOB_ORDERING, "-created_at"), filters)


@router.post("", response={201: JobOut}, summary="Enqueue a job (admins)")
def create_job(request: HttpRequest, payload: JobIn) -> Status[Any]:
    job = job_create(
        actor=actor_of(request),
        job_type=payload.type,
        payload=payload.payload,
        priority=payload.priority,
        run_after=payload.run_after,
    )
    return Status(201, job)


@router.get("/{job_id}", response=JobOut, summary="Get a job")
def get_job(request: HttpRequest, job_id: UUID) -> Any:
    return job_get(actor=actor_of(request), job_id=job_id)


@router.post("/{job_id}/cancel", response=JobOut, summary="Cancel a job (admins)")
def cancel_job(request: HttpRequest, job_id: UUID) -> Any:
    actor = actor_of(request)
    return job_cancel(actor=actor, job=job_get(actor=actor, job_id=job_id))


@router.post("/{job_id}/retry", response=JobOut, summary="Retry a failed or cancelled job (admins)")
def retry_job(request: HttpRequest, job_id: UUID) -> Any:
    actor = actor_of(request)
    return job_retry(actor=actor, job=job_get(actor=actor, job_id=job_id))
