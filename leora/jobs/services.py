"""The admins' actions on jobs: enqueue one by hand, cancel, retry. Each checks the role and writes its
audit event in the same transaction as the change.

The worker-facing operations these build on (enqueue, claim, complete, fail, recover...) are in
``leora.jobs.queue``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from leora.errors import Conflict, FieldError, InvalidInput
from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import cancelled_fields, job_enqueue, log_event, require_type
from leora.jobs.wakeup import notify_ready
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role
from leora.tenancy.services.audit import audit_record


def _job_snapshot(job: Job) -> dict[str, Any]:
    return {"status": job.status, "attempts": job.attempts, "type": job.type}


@transaction.atomic
def job_create(
    *,
    actor: Actor,
    job_type: str,
    payload: dict[str, Any],
    priority: int | None = None,
    run_after: datetime | None = None,
) -> Job:
    """An admin enqueues a job of any registered type in their tenant; returns it. Audited."""
    require_role(actor, Role.ADMIN, message="only admins can enqueue jobs")
    registered = require_type(job_type)
    if registered.system and not actor.user.is_staff:
        raise InvalidInput.on("type", f"{job_type} is a system job; only staff can enqueue it")
    job = job_enqueue(
        job_type=job_type,
        payload=payload,
        tenant=None if registered.system else actor.tenant,
        created_by=actor.user,
        priority=priority,
        run_after=run_after,
    )
    audit_record(
        tenant=actor.tenant,
        actor=actor.user,
        action="job.create",
        obj=job,
        after={"type": job.type, "payload": job.payload, "priority": job.priority},
    )
    return job


@transaction.atomic
def job_cancel(*, actor: Actor, job: Job, now: datetime | None = None) -> Job:
    """Cancel a job: a pending one at once, a running one by asking its handler to stop; return it
    reloaded. Audited."""
    require_role(actor, Role.ADMIN, message="only admins can cancel jobs")
    now = now or timezone.now()
    before = _job_snapshot(job)
    if job.status == JobStatus.PENDING:
        pending = Job.objects.filter(pk=job.pk, status=JobStatus.PENDING)
        cancelled = pending.update(**cancelled_fields(now=now))
        if not cancelled:
            # Claimed between our read and our update: it is running now, so ask it to stop.
            job.refresh_from_db()
    if job.status == JobStatus.PROCESSING:
        Job.objects.filter(pk=job.pk, status=JobStatus.PROCESSING).update(cancel_requested=True)
    elif job.status != JobStatus.PENDING:
        raise Conflict(f"a {job.status} job cannot be cancelled")
    job.refresh_from_db()
    log_event("cancel_requested", job, by=actor.user.pk, status=job.status)
    audit_record(
        tenant=actor.tenant,
        actor=actor.user,
        action="job.cancel",
        obj=job,
        before=before,
        after=_job_snapshot(job),
    )
    return job


@transaction.atomic
def job_retry(*, actor: Actor, job: Job, now: datetime | None = None) -> Job:
    """Put a failed or cancelled job back to pending with its attempts reset; return it reloaded. Audited."""
    require_role(actor, Role.ADMIN, message="only admins can retry jobs")
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise Conflict(f"only failed or cancelled jobs can be retried; this one is {job.status}")
    now = now or timezone.now()
    before = _job_snapshot(job)
    try:
        with transaction.atomic():
            updated = Job.objects.filter(pk=job.pk, status=job.status).update(
                status=JobStatus.PENDING,
                attempts=0,
                run_after=now,
                finished_at=None,
                started_at=None,
                locked_by="",
                locked_until=None,
                cancel_requested=False,
                progress=0,
                progress_message="",
                result=None,
            )
    except IntegrityError:
        raise Conflict(
            "another unfinished job already has this job's idempotency key",
            [FieldError("idempotency_key", "already used by an unfinished job")],
        ) from None
    if not updated:
        raise Conflict("the job changed meanwhile; reload and try again")
    notify_ready()
    job.refresh_from_db()
    log_event("retried", job, by=actor.user.pk)
    audit_record(
        tenant=actor.tenant,
        actor=actor.user,
        action="job.retry",
        obj=job,
        after=_job_snapshot(job),
        before=before,
    )
    return job
