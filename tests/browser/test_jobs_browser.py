"""The Jobs page at both widths: the workers running, the queue's upkeep and quiet zero counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.jobs.models import Job, JobStatus, WorkerHeartbeat
from leora.jobs.queue import job_enqueue
from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def running_queue(world: World) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="demo-host:4242:abc123", hostname="demo-host", pid=4242, concurrency=2, jobs_done=41,
        started_at=now - timedelta(hours=2), last_seen_at=now - timedelta(seconds=3),
    )  # fmt: skip
    for job_type in ("recover_leases", "cleanup"):
        job = job_enqueue(job_type=job_type)
        finished_at = now - timedelta(minutes=3)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.COMPLETED, finished_at=finished_at)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_jobs_page_shows_what_is_running(
    width: str, request: Any, world: World, running_queue: None, sign_in: Any, screenshot: Any
) -> None:
    page = request.getfixturevalue(width)
    sign_in(page, "admin@acme.test")
    page.goto("/jobs/")
    workers = page.get_by_role("region", name="Workers")
    workers.get_by_text("1 running").wait_for()
    assert "Last heartbeat just now" in workers.inner_text()
    upkeep = page.get_by_role("region", name="Queue upkeep")
    assert upkeep.get_by_text("recover_leases").is_visible() and upkeep.get_by_text("cleanup").is_visible()
    failed_count = page.locator(".job-count-failed .stat-value")
    assert failed_count.inner_text() == "0"
    assert failed_count.evaluate("el => getComputedStyle(el).color") == page.locator(
        ".job-count-completed .stat-value"
    ).evaluate("el => getComputedStyle(el).color")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"jobs-{width}")
