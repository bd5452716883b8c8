"""Fixtures of the enrichment tests: hand-made order histories dated from the tenant's today, and
running the enrichment jobs for real."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import Customer, Product
from leora.jobs.models import Job
from leora.jobs.processing import process_jobs
from leora.jobs.queue import job_enqueue
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Tenant
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World


@pytest.fixture(autouse=True)
def _no_schedule(settings: Any) -> None:
    # process_jobs ticks the schedule at the real time; these tests enqueue their own jobs.
    settings.JOB_SCHEDULE = []


@pytest.fixture
def today(world: World) -> date:
    return tenant_today(world.acme)


@pytest.fixture
def setup() -> Iterator[None]:
    with scopes_disabled():
        yield


def orders_on(customer: Customer, days: list[date], lines: list[tuple[Product, int]] | None = None) -> None:
    for day in days:
        factories.make_order(customer, lines=lines, order_date=day)


def run(job_type: str, tenant: Tenant, **payload: Any) -> Job:
    """Enqueue ``job_type`` for ``tenant`` and run ready jobs of that type to their end."""
    job = job_enqueue(job_type=job_type, tenant=tenant, payload=payload)
    process_jobs(max_jobs=5, types=[job_type])
    return Job.objects.get(pk=job.pk)


def result(job: Job) -> dict[str, Any]:
    """Return the stored result of a finished job."""
    assert isinstance(job.result, dict), job.last_error
    return job.result


def retry_now(job: Job) -> None:
    """Make a job waiting out its backoff ready at once."""
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))
