"""Reads behind the Jobs page: the workers seen recently and the latest run of each system job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leora.errors import Forbidden
from leora.jobs.models import Job, JobStatus, WorkerHeartbeat
from leora.jobs.queue import job_enqueue
from leora.jobs.selectors import system_job_latest, worker_list
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def heartbeat(worker_id: str, *, seen_ago: timedelta, stopped: bool = False) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=worker_id.split(":")[0],
        pid=1,
        concurrency=2,
        started_at=now - timedelta(hours=1),
        last_seen_at=now - seen_ago,
        stopped_at=now if stopped else None,
    )


def test_worker_list_holds_the_workers_seen_in_the_last_five_minutes(world: World) -> None:
    heartbeat("web1:10:aaa", seen_ago=timedelta(seconds=5))
    heartbeat("web2:11:bbb", seen_ago=timedelta(minutes=4))
    heartbeat("web3:12:ccc", seen_ago=timedelta(minutes=6))  # killed: stopped renewing
    heartbeat("web4:13:ddd", seen_ago=timedelta(seconds=1), stopped=True)  # shut down cleanly
    actor = factories.actor(world.acme, world.admin)
    assert [w.worker_id for w in worker_list(actor=actor)] == ["web1:10:aaa", "web2:11:bbb"]


def test_worker_list_is_for_admins(world: World) -> None:
    with pytest.raises(Forbidden):
        worker_list(actor=factories.actor(world.acme, world.manager))


def test_system_job_latest_gives_the_newest_job_of_each_system_type(world: World) -> None:
    now = timezone.now()
    for minutes_ago, job_type, status in [
        (30, "recover_leases", JobStatus.COMPLETED),
        (5, "recover_leases", JobStatus.COMPLETED),
        (50, "cleanup", JobStatus.FAILED),
    ]:
        job = job_enqueue(job_type=job_type)
        Job.objects.filter(pk=job.pk).update(
            status=status, created_at=now - timedelta(minutes=minutes_ago), finished_at=now
        )
    job_enqueue(job_type="noop", tenant=world.acme)  # a tenant's job is not upkeep
    latest = system_job_latest(actor=factories.actor(world.acme, world.admin))
    assert [(job.type, job.status) for job in latest] == [
        ("cleanup", JobStatus.FAILED),
        ("recover_leases", JobStatus.COMPLETED),
    ]
    assert latest[1].created_at == now - timedelta(minutes=5)


def test_system_job_latest_is_for_admins(world: World) -> None:
    with pytest.raises(Forbidden):
        system_job_latest(actor=factories.actor(world.acme, world.rep1))
