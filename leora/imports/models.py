"""An import: one uploaded file of one kind of rows, its counts and its rejected rows; and the column
mapping each tenant keeps for its next import."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned


class ImportEntity(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    CONTACTS = "contacts", "Contacts"
    PRODUCTS = "products", "Products"
    ORDERS = "orders", "Orders"


class ImportMode(models.TextChoices):
    DRY_RUN = "dry_run", "Dry run"
    ALL_OR_NOTHING = "all_or_nothing", "All or nothing"
    SKIP_BAD_ROWS = "skip_bad_rows", "Skip bad rows"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"  # the page's upload, waiting for its mapping and a button
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


FINISHED_STATUSES = (ImportStatus.COMPLETED, ImportStatus.FAILED)


class ImportRun(TenantOwned):
    """One file imported (or dry-run) once. Counts are of rows; for orders a row is one order line."""

    entity = models.CharField(max_length=12, choices=ImportEntity.choices)
    mode = models.CharField(max_length=16, choices=ImportMode.choices, default=ImportMode.DRY_RUN)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    original_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500, help_text="under MEDIA_ROOT")
    file_format = models.CharField(max_length=4)  # csv | xlsx
    file_size = models.PositiveBigIntegerField(default=0)
    encoding = models.CharField(max_length=40, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True, help_text="column header -> field")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows_total = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    applied = models.BooleanField(
        default=False, help_text="the rows were written (not a dry run, not rolled back)"
    )
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "-created_at"], name="import_tenant_recent")]

    def __str__(self) -> str:
        return f"{self.entity} from {self.original_name}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class ImportRowError(TenantOwned):
    """A rejected row: its number in the file (the header is row 1), why, and its cells as read."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField()
    problems = models.JSONField(default=list, help_text='[{"column": ..., "message": ...}]')
    values = models.JSONField(default=list, help_text="the row's cells in file order")

    class Meta:
        indexes = [models.Index(fields=["tenant", "run", "row_number"])]

    def __str__(self) -> str:
        return f"row {self.row_number}"

    @property
    def reason(self) -> str:
        return "; ".join(
            f"{p['column']}: {p['message']}" if p.get("column") else p["message"] for p in self.problems
        )


class ImportMapping(TenantOwned):
    """The columns a tenant mapped last time for one kind of import: normalised header -> field."""

    entity = models.CharField(max_length=12, choices=ImportEntity.choices)
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "entity"], name="import_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.entity} mapping"
