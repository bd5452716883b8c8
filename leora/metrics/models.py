"""Metric definitions and their immutable versions.

A definition is the stable handle (``code``) that dashboards, drilldowns and reports refer to; every
change to what it means is a new ``MetricVersion``. History is never rewritten: versions are only
ever inserted, and the definition points at the current one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned

CODE_PATTERN = r"^[a-z][a-z0-9_]{2,63}$"
code_validator = RegexValidator(CODE_PATTERN, "3 to 64 characters: a lower-case letter, then a-z, 0-9 or _")


class MetricKind(models.TextChoices):
    SEGMENT = "segment", "Segment (true/false per customer)"
    VALUE = "value", "Value (a number per customer)"


class MetricEntity(models.TextChoices):
    CUSTOMER = "customer", "Customer"


class MetricDefinition(TenantOwned):
    """A business metric of one tenant. ``name``, ``description`` and ``kind`` mirror the current
    version so lists and searches need no join."""

    code = models.CharField(max_length=64, validators=[code_validator])
    entity = models.CharField(max_length=20, choices=MetricEntity.choices, default=MetricEntity.CUSTOMER)
    current_version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=MetricKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deprecated_at = models.DateTimeField(null=True, blank=True)
    deprecated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deprecation_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="metric_unique_code")]
        indexes = [models.Index(fields=["tenant", "deprecated_at", "code"])]

    def __str__(self) -> str:
        return self.code

    @property
    def deprecated(self) -> bool:
        return self.deprecated_at is not None


class MetricVersion(TenantOwned):
    """One immutable version of a definition: what the metric meant from ``created_at`` on."""

    definition = models.ForeignKey(MetricDefinition, on_delete=models.CASCADE, related_name="versions")
    code = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=MetricKind.choices)
    formula = models.TextField()
    unit = models.CharField(max_length=30, blank=True)
    format = models.CharField(max_length=30, blank=True)
    change_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code", "version"], name="metric_version_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "definition", "-version"])]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("metric versions are immutable; create a new version instead")
        super().save(*args, **kwargs)
