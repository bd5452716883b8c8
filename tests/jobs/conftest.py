"""Fixtures of the job queue tests: a fixed clock and a seeded random source for backoff jitter."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from leora.jobs.models import Job


@pytest.fixture
def t0() -> datetime:
    """A fixed instant the tests drive the clock from."""
    return datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


def reload(job: Job) -> Job:
    """Return ``job`` as stored now."""
    return Job.objects.get(pk=job.pk)


def raised(exc: Exception) -> Exception:
    """Return ``exc`` after raising it, so it carries a traceback like a handler's error does."""
    try:
        raise exc
    except Exception as caught:
        return caught


@pytest.fixture
def fast_backoff(settings: Any) -> None:
    settings.JOB_BACKOFF_BASE_SECONDS = 10
    settings.JOB_BACKOFF_MAX_SECONDS = 3600
    settings.JOB_BACKOFF_JITTER = 0.25
