"""Reads of the job queue: tenant-scoped job lists and lookups, and the queue's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from leora.errors import NotFound
from leora.jobs.models import Job, JobStatus, WorkerHeartbeat
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role

JOB_ORDERING = {"created_at", "finished_at", "priority", "status", "type", "attempts"}
WORKER_SEEN_WINDOW = timedelta(minutes=5)


def _visible_jobs(actor: Actor) -> QuerySet[Job]:
    jobs = Job.objects.for_tenant(actor.tenant)
    if actor.is_admin and actor.user.is_staff:
        # Staff admins also look after the system jobs (cleanup, lease recovery), which have no tenant.
        jobs = Job.objects.filter(Q(tenant_id=actor.tenant.pk) | Q(tenant__isnull=True))
    if not actor.is_admin:
        jobs = jobs.filter(created_by_id=actor.user.pk)
    return jobs


def job_get(*, actor: Actor, job_id: UUID) -> Job:
    """Return a job the actor may see: any job of their tenant for an admin, their own otherwise.

    Another tenant's job (or a missing one) raises NotFound, the same answer either way.
    """
    job = _visible_jobs(actor).select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound("job not found")
    return job


def job_list(
    *,
    actor: Actor,
    status: str | None = None,
    job_type: str | None = None,
    created_from: date | datetime | None = None,
    created_to: date | datetime | None = None,
    search: str | None = None,
) -> QuerySet[Job]:
    """Return the tenant's jobs for an admin, newest first, filtered."""
    require_role(actor, Role.ADMIN, message="only admins can list jobs")
    jobs = _visible_jobs(actor).select_related("created_by")
    if status:
        jobs = jobs.filter(status=status)
    if job_type:
        jobs = jobs.filter(type=job_type)
    if created_from is not None:
        jobs = jobs.filter(**_date_bound("gte", created_from))
    if created_to is not None:
        jobs = jobs.filter(**_date_bound("lte", created_to))
    if search:
        jobs = jobs.filter(Q(type__icontains=search) | Q(last_error__icontains=search))
    return jobs.order_by("-created_at")


def _date_bound(op: str, value: date | datetime) -> dict[str, Any]:
    if isinstance(value, datetime):
        return {f"created_at__{op}": value}
    return {f"created_at__date__{op}": value}


def job_status_counts(*, actor: Actor) -> dict[str, int]:
    """Return how many of the actor's visible jobs are in each status (every status present)."""
    counts = dict(
        _visible_jobs(actor).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in JobStatus.values}


def _live_workers(now: datetime) -> QuerySet[WorkerHeartbeat]:
    # A worker that stopped cleanly says so; one that was killed simply stops renewing last_seen_at.
    return WorkerHeartbeat.objects.filter(last_seen_at__gte=now - WORKER_SEEN_WINDOW, stopped_at__isnull=True)


def worker_list(*, actor: Actor, now: datetime | None = None) -> list[WorkerHeartbeat]:
    """Return the workers seen in the last five minutes and not stopped, longest running first.

    Workers serve every tenant, so this is the same list for every admin.
    """
    require_role(actor, Role.ADMIN, message="only admins can see the workers")
    return list(_live_workers(now or timezone.now()).order_by("started_at", "worker_id"))


def system_job_latest(*, actor: Actor) -> list[Job]:
    """Return the newest job of each system type (cleanup, lease recovery), ordered by type.

    System jobs belong to no tenant; their latest runs tell an admin that the queue's upkeep is
    running, so every admin sees these (the full list and the job pages stay for staff).
    """
    require_role(actor, Role.ADMIN, message="only admins can list jobs")
    ranked = Job.objects.system().annotate(
        newest=Window(RowNumber(), partition_by=[F("type")], order_by=[F("created_at").desc(), F("pk")])
    )
    return list(ranked.filter(newest=1).order_by("type"))


@dataclass(frozen=True)
class QueueStatus:
    by_status: dict[str, int]
    by_type: dict[str, dict[str, int]]
    oldest_pending_age_seconds: float | None
    completed_last_hour: int
    failed_last_hour: int
    workers: list[WorkerHeartbeat]


def queue_status(*, now: datetime | None = None) -> QueueStatus:
    """Return the whole queue's status (all tenants): what operators and the processor key see."""
    now = now or timezone.now()
    by_status = {status: 0 for status in JobStatus.values}
    by_type: dict[str, dict[str, int]] = {}
    for job_type, status, n in Job.objects.values_list("type", "status").annotate(n=Count("pk")).order_by():
        by_status[status] += n
        by_type.setdefault(job_type, {})[status] = n
    oldest = Job.objects.filter(status=JobStatus.PENDING, run_after__lte=now).aggregate(
        oldest=Min("run_after")
    )["oldest"]
    hour_ago = now - timedelta(hours=1)
    recent = Job.objects.filter(finished_at__gte=hour_ago).aggregate(
        completed=Count("pk", filter=Q(status=JobStatus.COMPLETED)),
        failed=Count("pk", filter=Q(status=JobStatus.FAILED)),
    )
    workers = list(_live_workers(now).order_by("worker_id"))
    return QueueStatus(
        by_status=by_status,
        by_type=dict(sorted(by_type.items())),
        oldest_pending_age_seconds=(now - oldest).total_seconds() if oldest else None,
        completed_last_hour=recent["completed"],
        failed_last_hour=recent["failed"],
        workers=workers,
    )
