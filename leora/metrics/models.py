"""Metric definitions and their immutable versions.

A definition is the stable handle (``code``) that dashboards, drilldowns and reports refer to; every
change to what it means is a new ``MetricVersion``. History is never rewritten: versions are only
ever inserted, and the definition points at the current one.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned

CODE_PATTERN = r"^[a-z][a-z0-9_]{2,63}$"
CODE_MAX_LENGTH = 64
CODE_RULE = "3 to 64 characters: a lower-case letter, then a-z, 0-9 or _"
code_validator = RegexValidator(CODE_PATTERN, CODE_RULE)
NAME_MAX_LENGTH = 200
LABEL_MAX_LENGTH = 30  # unit and format
# The fields every version carries; a change to any of them is a new version.
VERSIONED_FIELDS = ("name", "description", "kind", "formula", "unit", "format")


class MetricKind(models.TextChoices):
    SEGMENT = "segment", "Segment (true/false per customer)"
    VALUE = "value", "Value (a number per customer)"


def code_problem(code: object) -> str | None:
    """Return why ``code`` is not a valid metric code, or None when it is."""
    if isinstance(code, str) and re.fullmatch(CODE_PATTERN, code):
        return None
    return f"a code is {CODE_RULE}"


def name_problem(name: str) -> str | None:
    """Return why ``name`` (already stripped) is not a valid metric name, or None when it is."""
    if not name:
        return "must not be blank"
    if len(name) > NAME_MAX_LENGTH:
        return f"at most {NAME_MAX_LENGTH} characters"
    return None


def label_problem(label: str) -> str | None:
    """Return why ``label`` is not a valid unit or format, or None when it is."""
    if len(label) > LABEL_MAX_LENGTH:
        return f"at most {LABEL_MAX_LENGTH} characters"
    return None


def kind_problem(kind: object) -> str | None:
    """Return why ``kind`` is not a metric kind, or None when it is."""
    if kind in MetricKind.values:
        return None
    return f"must be one of {', '.join(MetricKind.values)}"


class MetricEntity(models.TextChoices):
    CUSTOMER = "customer", "Customer"


class MetricDefinition(TenantOwned):
    """A business metric of one tenant. ``name``, ``description`` and ``kind`` mirror the current
    version so lists and searches need no join."""

    code = models.CharField(max_length=CODE_MAX_LENGTH, validators=[code_validator])
    entity = models.CharField(max_length=20, choices=MetricEntity.choices, default=MetricEntity.CUSTOMER)
    current_version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
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
    code = models.CharField(max_length=CODE_MAX_LENGTH)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=MetricKind.choices)
    formula = models.TextField()
    unit = models.CharField(max_length=LABEL_MAX_LENGTH, blank=True)
    format = models.CharField(max_length=LABEL_MAX_LENGTH, blank=True)
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
