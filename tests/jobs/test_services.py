"""The admins' actions on jobs: create, cancel and retry, each role-checked and audited."""

from __future__ import annotations

import pytest

from leora.errors import Conflict, Forbidden, InvalidInput
from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import job_claim, job_complete, job_enqueue, job_fail, job_heartbeat
from leora.jobs.services import job_cancel, job_create, job_retry
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.factories import actor
from tests.jobs.conftest import reload

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_job_in_their_tenant_and_it_is_audited(world: World) -> None:
    job = job_create(actor=actor(world.acme, world.admin), job_type="noop", payload={}, priority=4)
    assert (job.tenant_id, job.created_by_id, job.priority) == (world.acme.pk, world.admin.pk, 4)
    event = AuditEvent.objects.for_tenant(world.acme).get(action="job.create")
    assert event.after == {"type": "noop", "payload": {"note": ""}, "priority": 4}


def test_another_tenants_audit_trail_shows_nothing_of_a_job_created_here(world: World) -> None:
    job_create(actor=actor(world.acme, world.admin), job_type="noop", payload={})
    assert not AuditEvent.objects.for_tenant(world.other).filter(action="job.create").exists()


def test_a_system_job_needs_a_staff_admin(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        job_create(actor=actor(world.acme, world.admin), job_type="cleanup", payload={})
    assert caught.value.errors[0].field == "type"
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("create", "only admins can enqueue jobs"),
        ("cancel", "only admins can cancel jobs"),
        ("retry", "only admins can retry jobs"),
    ],
)
def test_a_manager_is_refused_every_admin_action_saying_why(world: World, action: str, message: str) -> None:
    job = job_enqueue(job_type="noop", tenant=world.acme)
    manager = actor(world.acme, world.manager)
    with pytest.raises(Forbidden) as caught:
        if action == "create":
            job_create(actor=manager, job_type="noop", payload={})
        elif action == "cancel":
            job_cancel(actor=manager, job=job)
        else:
            job_retry(actor=manager, job=job)
    assert caught.value.detail == message
    assert (Job.objects.count(), reload(job).status) == (1, JobStatus.PENDING)
    assert not AuditEvent.objects.for_tenant(world.acme).exists()


def test_cancelling_a_pending_job_cancels_it_at_once(world: World) -> None:
    job = job_enqueue(job_type="noop", tenant=world.acme)
    cancelled = job_cancel(actor=actor(world.acme, world.admin), job=job)
    assert cancelled.status == JobStatus.CANCELLED
    assert job_claim(worker_id="w1") == []
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="job.cancel").count() == 1


def test_cancelling_a_running_job_asks_its_handler_to_stop(world: World) -> None:
    job = job_enqueue(job_type="sleep", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    after = job_cancel(actor=actor(world.acme, world.admin), job=job)
    assert (after.status, after.cancel_requested) == (JobStatus.PROCESSING, True)
    assert job_heartbeat(worker_id="w1", job_ids=[claimed.pk]) == {claimed.pk}


def test_a_finished_job_cannot_be_cancelled(world: World) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    job_complete(job=claimed, worker_id="w1")
    with pytest.raises(Conflict):
        job_cancel(actor=actor(world.acme, world.admin), job=reload(claimed))


def test_retry_puts_a_failed_job_back_with_attempts_reset_and_audits_it(world: World) -> None:
    job_enqueue(job_type="fail", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    job_fail(job=claimed, worker_id="w1", exc=ValueError("x"), retry=False)
    retried = job_retry(actor=actor(world.acme, world.admin), job=reload(claimed))
    assert (retried.status, retried.attempts, retried.finished_at) == (JobStatus.PENDING, 0, None)
    assert len(retried.errors) == 1
    event = AuditEvent.objects.for_tenant(world.acme).get(action="job.retry")
    assert (event.before["status"], event.after["status"]) == ("failed", "pending")


def test_a_pending_job_cannot_be_retried(world: World) -> None:
    job = job_enqueue(job_type="noop", tenant=world.acme)
    with pytest.raises(Conflict):
        job_retry(actor=actor(world.acme, world.admin), job=job)


def test_retry_refuses_when_another_unfinished_job_holds_the_key(world: World) -> None:
    first = job_enqueue(job_type="noop", tenant=world.acme, idempotency_key="k")
    job_cancel(actor=actor(world.acme, world.admin), job=first)
    job_enqueue(job_type="noop", tenant=world.acme, idempotency_key="k")
    with pytest.raises(Conflict):
        job_retry(actor=actor(world.acme, world.admin), job=reload(first))
