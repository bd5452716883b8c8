"""The queue's settings with their defaults (the JOB_* block of leora/settings.py overrides them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "JOB_PROCESSOR_API_KEY": "",
    "JOB_LEASE_SECONDS": 60,
    "JOB_POLL_INTERVAL_SECONDS": 0.5,
    "JOB_BACKOFF_BASE_SECONDS": 10,
    "JOB_BACKOFF_MAX_SECONDS": 3600,
    "JOB_BACKOFF_JITTER": 0.25,
    "JOB_CLEANUP_COMPLETED_DAYS": 7,
    "JOB_CLEANUP_FAILED_DAYS": 30,
    "JOB_FAILURE_EMAIL_INTERVAL_SECONDS": 3600,
    "JOB_SCHEDULE_CATCH_UP_SECONDS": 3600,
    "JOB_SCHEDULE": [],
}


def job_setting(name: str) -> Any:
    """Return the JOB_* setting ``name``, or its default."""
    return getattr(settings, name, DEFAULTS[name])
