"""A requested report: what it covers (type, dates, scope), who asked, and the file the job wrote."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned


class ReportType(models.TextChoices):
    SALES_BY_REP = "sales_by_rep", "Sales by rep and week"
    AT_RISK_ACCOUNTS = "at_risk_accounts", "At-risk accounts"
    BALANCES_AGING = "balances_aging", "Balances aging"
    PRODUCT_PERFORMANCE = "product_performance", "Product performance"
    CUSTOMER_STATEMENT = "customer_statement", "Customer statement"


class ReportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    PDF = "pdf", "PDF"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    PROCESSING = "processing", "Running"
    COMPLETED = "completed", "Ready"
    FAILED = "failed", "Failed"


UNFINISHED = {ReportStatus.PENDING, ReportStatus.PROCESSING}


class ScopeKind(models.TextChoices):
    """Whose book a report covers; it decides who else may download it."""

    TENANT = "tenant", "Whole team"  # an admin's report on everyone: admins only
    TEAM = "team", "A manager's team"  # scope_user is the manager
    REP = "rep", "One rep's book"  # scope_user is the rep


class Report(TenantOwned):
    type = models.CharField(max_length=32, choices=ReportType.choices)
    format = models.CharField(max_length=8, choices=ReportFormat.choices)
    date_from = models.DateField()
    date_to = models.DateField()
    scope_kind = models.CharField(max_length=8, choices=ScopeKind.choices)
    scope_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Only the rep asked for (a manager's or admin's narrowing); the handler narrows the actor to them.
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(
        "crm.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)
    file_path = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "requested_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="report_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="report_range_order"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "created_at"]),
            models.Index(fields=["tenant", "requested_by", "created_at"]),
            models.Index(fields=["tenant", "scope_kind", "scope_user"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.format})"

    @property
    def current_status(self) -> str:
        """The status to show: a report whose job ended without finishing it (cancelled by an admin
        before it ran, or given up after its worker died) is failed, whatever its row last said."""
        if self.status in UNFINISHED and self.job is not None and self.job.status in {"failed", "cancelled"}:
            return ReportStatus.FAILED
        return self.status

    @property
    def current_error(self) -> str:
        if self.current_status == ReportStatus.FAILED and self.status != ReportStatus.FAILED:
            assert self.job is not None
            return self.job.last_error or f"the job was {self.job.status}"
        return self.error

    @property
    def finished(self) -> bool:
        return self.current_status in {ReportStatus.COMPLETED, ReportStatus.FAILED}

    @property
    def progress(self) -> int:
        """0-100: the job's progress while it runs, 100 once the file is ready."""
        if self.status == ReportStatus.COMPLETED:
            return 100
        return self.job.progress if self.job is not None else 0

    @property
    def progress_message(self) -> str:
        if self.status == ReportStatus.COMPLETED:
            return "ready"
        return self.job.progress_message if self.job is not None else ""
