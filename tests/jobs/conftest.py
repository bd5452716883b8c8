"""Fixtures of the job queue tests: a fixed clock, a seeded random source for backoff jitter, and a job
type whose handler loses its lease."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from leora.jobs.context import JobContext
from leora.jobs.models import Job
from leora.jobs.registry import Payload, register, unregister

LOSES_ITS_LEASE = "test_loses_its_lease"


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


class _NoPayload(Payload):
    pass


def _hand_over_to_another_worker(ctx: JobContext, payload: _NoPayload) -> None:
    # What recovery does when a lease expires mid-run: the job now belongs to someone else, so the
    # worker that ran it can no longer record its outcome.
    Job.objects.filter(pk=ctx.job.pk).update(locked_by="another-worker")


@pytest.fixture
def lease_loser() -> Iterator[str]:
    """Register a job type whose handler loses its job's lease while it runs; return the type's name."""
    register(LOSES_ITS_LEASE, schema=_NoPayload)(_hand_over_to_another_worker)
    yield LOSES_ITS_LEASE
    unregister(LOSES_ITS_LEASE)
