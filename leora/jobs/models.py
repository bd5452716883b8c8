"""The job queue's tables: jobs, schedule slots already enqueued, and the workers seen.

``Job.tenant`` is null for system jobs (cleanup, lease recovery), so Job is not ``TenantOwned``: the
queue claims across tenants, and every tenant-facing read names the tenant explicitly
(``Job.objects.for_tenant(tenant)``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from leora.tenancy.models import Tenant


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


UNFINISHED = (JobStatus.PENDING, JobStatus.PROCESSING)
FINISHED = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobQuerySet(models.QuerySet["Job"]):
    def for_tenant(self, tenant: Tenant | int) -> JobQuerySet:
        """Return the jobs of ``tenant`` (never the system jobs)."""
        tenant_id = tenant if isinstance(tenant, int) else tenant.pk
        return self.filter(tenant_id=tenant_id)

    def system(self) -> JobQuerySet:
        """Return the jobs that belong to no tenant."""
        return self.filter(tenant__isnull=True)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(
        "tenancy.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING)
    priority = models.IntegerField(default=0, help_text="higher runs first")
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    timeout_seconds = models.PositiveIntegerField(default=300)
    locked_by = models.CharField(max_length=120, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    result = models.JSONField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="one entry per failed attempt")
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        indexes = [
            # The claim query (status=pending, run_after <= now, ordered by priority, run_after,
            # created_at) walks this partial index in order and stops after the batch: an index scan.
            models.Index(
                fields=["-priority", "run_after", "created_at"],
                name="job_claim_idx",
                condition=Q(status="pending"),
            ),
            # Lease recovery looks only at processing jobs whose lease has run out.
            models.Index(fields=["locked_until"], name="job_lease_idx", condition=Q(status="processing")),
            # Each index costs every claim and completion an index insert, so there are only these.
            models.Index(fields=["tenant", "-created_at"], name="job_tenant_recent_idx"),
            models.Index(fields=["tenant", "status", "type"], name="job_tenant_status_idx"),
            models.Index(fields=["status", "finished_at"], name="job_status_finished_idx"),
        ]
        constraints = [
            # At most one unfinished job per (tenant, type, key); system jobs have a null tenant, which
            # a plain unique constraint would treat as distinct, hence the second constraint.
            models.UniqueConstraint(
                fields=["tenant", "type", "idempotency_key"],
                condition=Q(status__in=["pending", "processing"], idempotency_key__isnull=False),
                name="job_unique_unfinished_key",
            ),
            models.UniqueConstraint(
                fields=["type", "idempotency_key"],
                condition=Q(
                    status__in=["pending", "processing"],
                    idempotency_key__isnull=False,
                    tenant__isnull=True,
                ),
                name="job_unique_unfinished_system_key",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def can_retry(self) -> bool:
        return self.status in (JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def can_cancel(self) -> bool:
        return self.status in UNFINISHED and not self.cancel_requested

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def as_log_fields(self) -> dict[str, Any]:
        return {"job": str(self.id), "type": self.type, "tenant": self.tenant_id or "-"}


class ScheduleRun(models.Model):
    """One row per schedule slot already enqueued: the unique key makes each slot run exactly once."""

    key = models.CharField(max_length=200, unique=True)
    schedule = models.CharField(max_length=64)
    slot_at = models.DateTimeField()
    tenant = models.ForeignKey(
        "tenancy.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["schedule", "-slot_at"], name="schedule_run_recent_idx")]

    def __str__(self) -> str:
        return self.key


class WorkerHeartbeat(models.Model):
    """A worker process, refreshed on every heartbeat so operators can see who is alive."""

    worker_id = models.CharField(max_length=120, primary_key=True)
    hostname = models.CharField(max_length=200)
    pid = models.IntegerField()
    concurrency = models.PositiveIntegerField(default=1)
    types = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    jobs_done = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.worker_id
