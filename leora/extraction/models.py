"""Scans of business cards and liquor licences: the uploaded image, what OCR read, and what was applied."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned


class ExtractionKind(models.TextChoices):
    BUSINESS_CARD = "business_card", "Business card"
    LICENSE = "license", "Liquor licence"


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    PROCESSING = "processing", "Reading"
    COMPLETED = "completed", "Ready to review"
    FAILED = "failed", "Failed"
    APPLIED = "applied", "Applied"


class Extraction(TenantOwned):
    """One uploaded image and the fields read from it.

    Nothing here is CRM data: the fields wait for a person to review them, and only ``extraction_apply``
    writes a customer or a contact (through the crm services).
    """

    kind = models.CharField(max_length=16, choices=ExtractionKind.choices)
    status = models.CharField(
        max_length=12, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    image_path = models.CharField(max_length=500, help_text="relative to MEDIA_ROOT")
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=50)
    size_bytes = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    job_id = models.UUIDField(null=True, blank=True)
    engine = models.CharField(max_length=20, blank=True)
    raw_text = models.TextField(blank=True)
    fields: models.JSONField[Any, Any] = models.JSONField(
        default=dict, blank=True, help_text="name -> {value, confidence, raw}"
    )
    candidates: models.JSONField[Any, Any] = models.JSONField(
        default=dict, blank=True, help_text="every email and phone found: {emails: [...], phones: [...]}"
    )
    error = models.TextField(blank=True)
    seconds = models.FloatField(null=True, blank=True)
    applied_customer = models.ForeignKey(
        "crm.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "created_by", "-created_at"]),
            models.Index(fields=["tenant", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} scan {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in {ExtractionStatus.COMPLETED, ExtractionStatus.FAILED, ExtractionStatus.APPLIED}
