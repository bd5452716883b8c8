from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import job_claim
from leora.jobs.runner import run_job
from leora.tenancy.scoping import tenant_scope
from tests.conftest import World
from tests.jobs import tasks_for_tests as tasks

pytestmark = pytest.mark.django_db


def run_next() -> None:
    [job] = job_claim(worker_id="w1")
    run_job(job, worker_id="w1")


def test_enqueue_puts_a_task_on_the_job_queue(db: Any) -> None:
    result = tasks.add.enqueue(2, 3)
    job = Job.objects.get(pk=result.id)
    assert job.type == "django_task"
    assert job.payload["module_path"] == "tests.jobs.tasks_for_tests.add"
    assert job.payload["args"] == [2, 3]
    assert result.status == TaskResultStatus.READY


def test_a_worker_runs_the_task_and_the_result_comes_back(db: Any) -> None:
    result = tasks.add.enqueue(2, 3)
    run_next()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert tasks.add.get_result(result.id).return_value == 5


def test_a_failing_task_gets_the_queues_retries_then_fails_with_its_errors(db: Any, settings: Any) -> None:
    settings.JOB_BACKOFF_BASE_SECONDS = 0
    settings.JOB_BACKOFF_JITTER = 0
    result = tasks.explode.enqueue("no stock")
    for _ in range(3):
        run_next()
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert len(result.errors) == 3
    assert result.errors[0].exception_class is ValueError
    assert "no stock" in result.errors[0].traceback


def test_priority_and_run_after_carry_over(db: Any) -> None:
    later = timezone.now() + timedelta(hours=1)
    deferred = tasks.add.using(run_after=later).enqueue(1, 1)
    urgent = tasks.urgent.enqueue()
    assert Job.objects.get(pk=deferred.id).run_after == later
    assert Job.objects.get(pk=urgent.id).priority == 20
    [claimed] = job_claim(worker_id="w1", limit=5)
    assert str(claimed.pk) == urgent.id


def test_a_task_enqueued_in_a_tenants_scope_runs_in_that_scope(world: World) -> None:
    with tenant_scope(world.other):
        result = tasks.which_tenant.enqueue()
    assert Job.objects.get(pk=result.id).tenant_id == world.other.pk
    run_next()
    assert tasks.which_tenant.get_result(result.id).return_value == world.other.pk


def test_a_task_taking_context_sees_its_attempt(db: Any) -> None:
    result = tasks.attempt_number.enqueue()
    run_next()
    assert tasks.attempt_number.get_result(result.id).return_value == 1


def test_an_unknown_result_id_does_not_exist(db: Any) -> None:
    with pytest.raises(TaskResultDoesNotExist):
        default_task_backend.get_result("7b1c9a52-0000-0000-0000-000000000000")
    with pytest.raises(TaskResultDoesNotExist):
        default_task_backend.get_result("not-a-uuid")


def test_a_cancelled_task_reads_as_failed(db: Any) -> None:
    result = tasks.add.enqueue(1, 2)
    Job.objects.filter(pk=result.id).update(status=JobStatus.CANCELLED)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
