"""The queue's settings with their defaults (the JOB_* block of leora/settings.py overrides them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "JOB_PROCESSOR_API_KEY": "",
    "JOB_LEASE_SECONDS": 60,
    # The longest wait between polls when no notification can wake the worker (SQLite, or PostgreSQL
    # while its listener reconnects); for a second after work it polls every JOB_POLL_MIN_SECONDS, then
    # doubles the wait with every empty poll.
    "JOB_POLL_INTERVAL_SECONDS": 1.0,
    "JOB_POLL_MIN_SECONDS": 0.01,
    # With LISTEN working, the safety-net poll (a lost notification) comes this often.
    "JOB_LISTEN_POLL_SECONDS": 30.0,
    # Workers LISTEN on PostgreSQL; turn off behind a pooler that cannot carry it (pgbouncer in
    # transaction mode): they then poll adaptively, as on SQLite.
    "JOB_LISTEN": True,
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
