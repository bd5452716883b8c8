"""The queue's own operations, keyed by worker id: enqueue, claim, heartbeat, complete, fail, release,
recover and clean up.

Other apps enqueue work with ``job_enqueue`` from here. The audited actions a person takes on a job
(create, cancel, retry) are in ``leora.jobs.services``.

Every state change of a claimed job is a conditional UPDATE guarded by ``status=processing`` and
``locked_by=<worker>`` (``held_jobs``): a worker whose lease expired (and whose job was recovered and
handed to someone else) can no longer complete, fail or report progress on it. Every operation takes
an optional ``now`` so tests can drive the clock.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import traceback
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q, QuerySet
from django.utils import timezone
from pydantic import BaseModel

from leora.errors import InvalidInput
from leora.events import event_emit
from leora.jobs.conf import job_setting
from leora.jobs.models import UNFINISHED, Job, JobStatus, ScheduleRun, WorkerHeartbeat
from leora.jobs.registry import JobType, get_type, type_names
from leora.jobs.wakeup import notify_ready
from leora.schema_types import validated
from leora.tenancy.models import Tenant, User

log = logging.getLogger("leora.jobs")

MAX_TRACEBACK_CHARS = 8000


def new_worker_id(*, prefix: str = "") -> str:
    """Return an id naming this host and process (``[prefix]host:pid:random``), unique across restarts."""
    return f"{prefix}{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def log_event(event: str, job: Job, **fields: Any) -> None:
    """Write one logfmt line for a job state change (``event=job.completed job=... type=...``)."""
    if not log.isEnabledFor(logging.INFO):
        return
    parts = [f"event=job.{event}", f"job={job.pk}", f"type={job.type}", f"tenant={job.tenant_id or '-'}"]
    for key, value in fields.items():
        text = str(value)
        if not text or any(c in text for c in ' "='):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{key}={text}")
    log.info(" ".join(parts))


def _assign(job: Job, fields: Mapping[str, Any]) -> None:
    # Keeps the caller's Job object equal to the row just updated with ``fields``, so it can log and
    # return it without reading it back.
    for name, value in fields.items():
        setattr(job, name, value)


def _lease_until(now: datetime, lease_seconds: float | None) -> datetime:
    return now + timedelta(seconds=lease_seconds or job_setting("JOB_LEASE_SECONDS"))


def cancelled_fields(*, now: datetime) -> dict[str, Any]:
    """Return the field values of a job that ends cancelled at ``now``."""
    return {"status": JobStatus.CANCELLED, "finished_at": now, "locked_until": None}


# ---------------------------------------------------------------------------------------------- enqueue


def require_type(job_type: str) -> JobType:
    """Return the registered type ``job_type``, or raise a 422 on ``type`` naming the known types."""
    registered = get_type(job_type)
    if registered is None:
        raise InvalidInput.on(
            "type", f"unknown job type {job_type!r}; choose one of {', '.join(type_names())}"
        )
    return registered


def validate_payload(*, registered: JobType, payload: dict[str, Any] | BaseModel | None) -> dict[str, Any]:
    """Return the payload validated by the type's schema (defaults filled in), or raise a 422."""
    if isinstance(payload, BaseModel):
        payload = payload.model_dump(mode="json")
    model = validated(registered.schema, payload, field="payload", what=f"payload for {registered.name}")
    return model.model_dump(mode="json")


def _unfinished_with_key(tenant_id: int | None, job_type: str, key: str) -> Job | None:
    jobs = Job.objects.filter(type=job_type, idempotency_key=key, status__in=UNFINISHED)
    jobs = jobs.filter(tenant_id=tenant_id) if tenant_id is not None else jobs.filter(tenant__isnull=True)
    return jobs.first()


def job_enqueue(
    *,
    job_type: str,
    payload: dict[str, Any] | BaseModel | None = None,
    tenant: Tenant | None = None,
    created_by: User | None = None,
    priority: int | None = None,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Job:
    """Validate and enqueue a job; return it (or the unfinished job already holding ``idempotency_key``).

    The row is written in the caller's transaction, so the job becomes visible to workers exactly
    when that transaction commits, and vanishes with it on rollback.
    """
    registered = require_type(job_type)
    if registered.system and tenant is not None:
        raise InvalidInput.on("type", f"{job_type} is a system job and runs without a tenant")
    fields: dict[str, Any] = {
        "tenant": tenant,
        "type": job_type,
        "payload": validate_payload(registered=registered, payload=payload),
        "priority": registered.priority if priority is None else priority,
        "run_after": run_after or now or timezone.now(),
        "max_attempts": max_attempts or registered.max_attempts,
        "timeout_seconds": registered.timeout_seconds,
        "idempotency_key": idempotency_key or None,
        "created_by": created_by,
        "created_at": now or timezone.now(),
    }
    tenant_id = tenant.pk if tenant is not None else None
    if idempotency_key:
        existing = _unfinished_with_key(tenant_id, job_type, idempotency_key)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                job = Job.objects.create(**fields)
                notify_ready(inserted=True)
        except IntegrityError:
            # Another enqueue with the same key committed between our check and our insert.
            existing = _unfinished_with_key(tenant_id, job_type, idempotency_key)
            if existing is None:
                raise
            return existing
    else:
        job = Job.objects.create(**fields)
        notify_ready(inserted=True)
    log_event("enqueued", job, priority=job.priority)
    return job


def job_enqueue_many(
    *,
    job_type: str,
    payloads: Iterable[dict[str, Any]],
    tenant: Tenant | None = None,
    priority: int | None = None,
    batch_size: int = 1000,
) -> int:
    """Validate and enqueue many jobs of one type in bulk (no idempotency keys); return how many."""
    registered = require_type(job_type)
    now = timezone.now()
    rows = [
        Job(
            tenant=tenant,
            type=job_type,
            payload=validate_payload(registered=registered, payload=payload),
            priority=registered.priority if priority is None else priority,
            run_after=now,
            max_attempts=registered.max_attempts,
            timeout_seconds=registered.timeout_seconds,
            created_at=now,
        )
        for payload in payloads
    ]
    with transaction.atomic():
        Job.objects.bulk_create(rows, batch_size=batch_size)
        if rows:
            notify_ready(inserted=True)
    return len(rows)


# ------------------------------------------------------------------------------------- claim and finish


def held_jobs(*, worker_id: str, job_ids: Iterable[UUID]) -> QuerySet[Job]:
    """Return those of ``job_ids`` that ``worker_id`` still holds (processing under its lease)."""
    return Job.objects.filter(pk__in=list(job_ids), status=JobStatus.PROCESSING, locked_by=worker_id)


def _update_held(job: Job, *, worker_id: str, action: str, fields: Mapping[str, Any]) -> bool:
    """Write ``fields`` to ``job`` if ``worker_id`` still holds it; return whether it did."""
    if not held_jobs(worker_id=worker_id, job_ids=[job.pk]).update(**fields):
        log_event("lease_lost", job, worker=worker_id, action=action)
        return False
    _assign(job, fields)
    return True


def job_claim(
    *,
    worker_id: str,
    limit: int = 1,
    types: Sequence[str] | None = None,
    lease_seconds: float | None = None,
    now: datetime | None = None,
) -> list[Job]:
    """Claim up to ``limit`` ready jobs for ``worker_id``: highest priority, then oldest; return them.

    Claimed jobs are ``processing`` with ``attempts`` counted and a lease until now + lease_seconds.
    """
    now = now or timezone.now()
    ready = Job.objects.filter(status=JobStatus.PENDING, run_after__lte=now)
    if types:
        ready = ready.filter(type__in=list(types))
    # An idle worker polls often: a plain read first keeps an empty poll from taking SQLite's write
    # lock (every transaction there is BEGIN IMMEDIATE) or a PostgreSQL transaction.
    if not ready.exists():
        return []
    with transaction.atomic():
        # PostgreSQL: FOR UPDATE SKIP LOCKED lets concurrent claimers each lock different rows instead of
        # waiting on the same ones. SQLite ignores select_for_update, but our transactions there are
        # BEGIN IMMEDIATE, so this select-then-update runs under the database's single write lock.
        jobs = list(
            ready.order_by("-priority", "run_after", "created_at").select_for_update(skip_locked=True)[:limit]
        )
        if not jobs:
            return []
        ids = [job.pk for job in jobs]
        fields: dict[str, Any] = {
            "status": JobStatus.PROCESSING,
            "locked_by": worker_id,
            "locked_until": _lease_until(now, lease_seconds),
            "heartbeat_at": now,
            "started_at": now,
            "progress": 0,
            "progress_message": "",
        }
        # The status guard is what makes the claim safe without row locks too: a row another worker
        # claimed in between is no longer pending, so it is not updated and not returned.
        claimed = Job.objects.filter(pk__in=ids, status=JobStatus.PENDING).update(
            attempts=F("attempts") + 1, **fields
        )
        if claimed != len(ids):
            jobs = list(Job.objects.filter(pk__in=ids, locked_by=worker_id, started_at=now))
        else:
            for job in jobs:
                job.attempts += 1
                _assign(job, fields)
    for job in jobs:
        log_event("started", job, worker=worker_id, attempt=job.attempts)
    return jobs


def job_next_due(*, types: Sequence[str] | None = None) -> datetime | None:
    """Return the earliest ``run_after`` of the pending jobs (of ``types``), or None when none is pending.

    An idle worker's one query per poll: due now means claim, due later means sleep until then.
    """
    pending = Job.objects.filter(status=JobStatus.PENDING)
    if types:
        pending = pending.filter(type__in=list(types))
    due: datetime | None = pending.aggregate(due=Min("run_after"))["due"]
    return due


def _completed_fields(now: datetime) -> dict[str, Any]:
    return {
        "status": JobStatus.COMPLETED,
        "finished_at": now,
        "locked_until": None,
        "progress": 100,
        "cancel_requested": False,
    }


def job_complete(*, job: Job, worker_id: str, result: Any = None, now: datetime | None = None) -> bool:
    """Mark a claimed job completed with ``result``; False when the worker no longer holds it."""
    now = now or timezone.now()
    fields = {**_completed_fields(now), "result": result}
    if not _update_held(job, worker_id=worker_id, action="complete", fields=fields):
        return False
    log_event("completed", job, worker=worker_id, attempt=job.attempts, ms=_elapsed_ms(job, now))
    return True


def job_complete_many(
    *, completions: Sequence[tuple[Job, Any]], worker_id: str, now: datetime | None = None
) -> int:
    """Complete several claimed jobs in one transaction; return how many this worker still held."""
    if not completions:
        return 0
    now = now or timezone.now()
    done = 0
    fields = _completed_fields(now)
    with transaction.atomic():
        plain = [job.pk for job, result in completions if result is None]
        if plain:
            done += held_jobs(worker_id=worker_id, job_ids=plain).update(result=None, **fields)
        for job, result in completions:
            if result is not None:
                done += held_jobs(worker_id=worker_id, job_ids=[job.pk]).update(result=result, **fields)
    for job, result in completions:
        _assign(job, {**fields, "result": result})
        log_event("completed", job, worker=worker_id, attempt=job.attempts, ms=_elapsed_ms(job, now))
    if done != len(completions):
        log.warning("event=job.lease_lost worker=%s lost=%d", worker_id, len(completions) - done)
    return done


def _elapsed_ms(job: Job, now: datetime) -> int:
    return int((now - job.started_at).total_seconds() * 1000) if job.started_at else 0


def retry_delay(*, attempt: int, rng: random.Random | None = None) -> timedelta:
    """Return the wait before retry number ``attempt`` (1 after the first failure).

    ``min(max, base * 2^(attempt-1))``, then scaled by a random factor in ``[1 - jitter, 1 + jitter)``
    so jobs that failed together do not all come back at the same instant.
    """
    base = float(job_setting("JOB_BACKOFF_BASE_SECONDS"))
    cap = float(job_setting("JOB_BACKOFF_MAX_SECONDS"))
    jitter = float(job_setting("JOB_BACKOFF_JITTER"))
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    factor = 1 + (rng or random).uniform(-jitter, jitter)
    return timedelta(seconds=delay * factor)


def error_entry(
    *, exc_type: str, message: str, tb: str, attempt: int, worker_id: str, now: datetime, path: str = ""
) -> dict[str, Any]:
    """Return one entry of a job's error history."""
    return {
        "at": now.isoformat(),
        "attempt": attempt,
        "worker": worker_id,
        "type": exc_type,
        "path": path,
        "message": message[:2000],
        "traceback": tb[-MAX_TRACEBACK_CHARS:],
    }


def _failed_attempt_fields(job: Job, entry: dict[str, Any]) -> dict[str, Any]:
    """Return the fields recording one failed attempt: the lease dropped, the error appended."""
    return {
        "locked_until": None,
        "last_error": f"{entry['type']}: {entry['message']}",
        "errors": [*job.errors, entry],
    }


@transaction.atomic
def job_fail(
    *,
    job: Job,
    worker_id: str,
    exc: BaseException,
    retry: bool = True,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> str | None:
    """Record a failed attempt: back to pending after a backoff, or ``failed`` when attempts are used up.

    Returns the new status, or None when the worker no longer holds the job.
    """
    now = now or timezone.now()
    entry = error_entry(
        exc_type=type(exc).__name__,
        message=str(exc) or type(exc).__name__,
        tb="".join(traceback.format_exception(exc)),
        attempt=job.attempts,
        worker_id=worker_id,
        now=now,
        path=f"{type(exc).__module__}.{type(exc).__qualname__}",
    )
    fields = _failed_attempt_fields(job, entry)
    if retry and job.attempts < job.max_attempts:
        fields.update(status=JobStatus.PENDING, run_after=now + retry_delay(attempt=job.attempts, rng=rng))
    else:
        fields.update(status=JobStatus.FAILED, finished_at=now)
    if not _update_held(job, worker_id=worker_id, action="fail", fields=fields):
        return None
    if job.status == JobStatus.PENDING:
        # Idle workers learn of the retry's run_after now and wake for it then.
        notify_ready()
    if job.status == JobStatus.FAILED:
        log_event("failed", job, worker=worker_id, attempt=job.attempts, error=fields["last_error"])
        _on_final_failure(job)
    else:
        log_event(
            "retry_scheduled",
            job,
            worker=worker_id,
            attempt=job.attempts,
            run_after=job.run_after.isoformat(),
            error=fields["last_error"],
        )
    return str(job.status)


def _on_final_failure(job: Job) -> None:
    if job.tenant_id is None:
        return
    job_id = job.pk

    def notify() -> None:
        from leora.notifications.services import job_failure_notify

        try:
            job_failure_notify(job_id=job_id)
        except Exception:
            # A notification problem must never take the worker down with it.
            log.exception("event=job.notify_failed job=%s", job_id)

    transaction.on_commit(notify)
    event_emit(
        tenant_id=job.tenant_id, event="job.failed",
        data={
            "job_id": str(job.pk), "type": job.type, "attempts": job.attempts, "error": job.last_error[:500],
        },
    )  # fmt: skip


def job_finish_cancelled(*, job: Job, worker_id: str, now: datetime | None = None) -> bool:
    """The handler stopped on a cancel request: mark the job cancelled; False if no longer held."""
    now = now or timezone.now()
    if not _update_held(job, worker_id=worker_id, action="cancel", fields=cancelled_fields(now=now)):
        return False
    log_event("cancelled", job, worker=worker_id, attempt=job.attempts)
    return True


def job_release(*, jobs: Sequence[Job], worker_id: str, now: datetime | None = None) -> int:
    """Give back claimed jobs that never started (worker shutting down); return how many.

    The attempt they were charged is refunded; a job whose cancel was requested meanwhile ends cancelled.
    """
    if not jobs:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        held = held_jobs(worker_id=worker_id, job_ids=[job.pk for job in jobs])
        held.filter(cancel_requested=True).update(**cancelled_fields(now=now))
        released = held.update(
            status=JobStatus.PENDING,
            attempts=F("attempts") - 1,
            locked_until=None,
            started_at=None,
            run_after=now,
        )
        if released:
            notify_ready()
    for job in jobs:
        log_event("released", job, worker=worker_id)
    return released


def job_heartbeat(
    *,
    worker_id: str,
    job_ids: Sequence[UUID],
    lease_seconds: float | None = None,
    now: datetime | None = None,
) -> set[UUID]:
    """Extend the leases of the jobs ``worker_id`` holds; return the ids whose cancel was requested."""
    if not job_ids:
        return set()
    now = now or timezone.now()
    held = held_jobs(worker_id=worker_id, job_ids=job_ids)
    held.update(locked_until=_lease_until(now, lease_seconds), heartbeat_at=now)
    return set(held.filter(cancel_requested=True).values_list("pk", flat=True))


# ----------------------------------------------------------------------------- recovery and cleanup


def job_recover(*, now: datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """Take back jobs whose lease expired (their worker died or hung); return (requeued, failed).

    A job whose attempts are used up ends ``failed``, so a job that keeps killing its worker stops.
    """
    now = now or timezone.now()
    expired = list(
        Job.objects.filter(status=JobStatus.PROCESSING, locked_until__lt=now).order_by("locked_until")[:limit]
    )
    requeued = failed = 0
    for job in expired:
        entry = error_entry(
            exc_type="LeaseExpired",
            message=f"worker {job.locked_by} stopped renewing its lease ({job.locked_until:%H:%M:%S} UTC)",
            tb="",
            attempt=job.attempts,
            worker_id=job.locked_by,
            now=now,
        )
        fields = _failed_attempt_fields(job, entry)
        if job.cancel_requested:
            fields.update(cancelled_fields(now=now))
        elif job.attempts >= job.max_attempts:
            fields.update(status=JobStatus.FAILED, finished_at=now)
        else:
            fields.update(status=JobStatus.PENDING, run_after=now)
        with transaction.atomic():
            # Guarded by the lease we read: a worker that renewed it in between keeps its job.
            updated = Job.objects.filter(
                pk=job.pk, status=JobStatus.PROCESSING, locked_by=job.locked_by, locked_until=job.locked_until
            ).update(**fields)
            if not updated:
                continue
            _assign(job, fields)
            if job.status == JobStatus.FAILED:
                failed += 1
                _on_final_failure(job)
            elif job.status == JobStatus.PENDING:
                requeued += 1
                notify_ready()
        log_event("recovered", job, status=job.status, attempt=job.attempts, worker=entry["worker"])
    return requeued, failed


def job_cleanup(*, now: datetime | None = None, chunk: int = 1000) -> int:
    """Delete finished jobs past their retention (completed/cancelled 7 days, failed 30); return how many."""
    now = now or timezone.now()
    finished_before = now - timedelta(days=job_setting("JOB_CLEANUP_COMPLETED_DAYS"))
    failed_before = now - timedelta(days=job_setting("JOB_CLEANUP_FAILED_DAYS"))
    old = Job.objects.filter(
        Q(status__in=[JobStatus.COMPLETED, JobStatus.CANCELLED], finished_at__lt=finished_before)
        | Q(status=JobStatus.FAILED, finished_at__lt=failed_before)
    )
    deleted = 0
    # Chunks keep each transaction (and SQLite's write lock) short.
    while ids := list(old.values_list("pk", flat=True)[:chunk]):
        with transaction.atomic():
            count, _ = Job.objects.filter(pk__in=ids).delete()
        deleted += count
    ScheduleRun.objects.filter(slot_at__lt=failed_before).delete()
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - timedelta(days=1)).delete()
    if deleted:
        log.info("event=jobs.cleanup deleted=%d", deleted)
    return deleted
