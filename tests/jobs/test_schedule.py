from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from leora.jobs import registry
from leora.jobs.handlers._pending import not_implemented
from leora.jobs.models import Job, JobStatus, ScheduleRun
from leora.jobs.queue import job_claim, job_complete
from leora.jobs.schedule import latest_slot, schedule_tick
from tests.conftest import World

pytestmark = pytest.mark.django_db

SCHEDULE = [
    {"name": "account_type_update", "cron": "0 2 * * *", "type": "account_type_update", "per_tenant": True},
    {"name": "notification_digest", "cron": "0 7 * * *", "type": "notification_digest", "per_tenant": True},
    {"name": "cleanup", "cron": "17 * * * *", "type": "cleanup"},
]


@pytest.fixture(autouse=True)
def schedule(settings: Any) -> Iterator[None]:
    settings.JOB_SCHEDULE = SCHEDULE
    settings.JOB_SCHEDULE_CATCH_UP_SECONDS = 3600
    # Stand-ins for the business handlers, so the schedule treats these types as runnable.
    originals = {name: registry.get_type(name) for name in ("account_type_update", "notification_digest")}
    for name, original in originals.items():
        assert original is not None
        registry._types[name] = replace(original, handler=lambda ctx, payload: None)
    yield
    registry._types.update({name: original for name, original in originals.items() if original})


def test_a_type_still_on_the_placeholder_handler_is_not_scheduled(db: Any, world: World) -> None:
    # Its jobs could only fail, and email the admins about it, at every slot.
    registry._types["notification_digest"] = replace(
        registry._types["notification_digest"], handler=not_implemented
    )
    enqueued = schedule_tick(now=at(15, 1))  # 07:01 in Los Angeles
    assert not [key for key in enqueued if key.startswith("notification_digest")]


def at(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_a_due_system_slot_is_enqueued_once(db: Any) -> None:
    assert schedule_tick(now=at(9, 20)) == ["cleanup:system:2026-03-02T09:17Z"]
    job = Job.objects.get(type="cleanup")
    assert job.tenant_id is None


def test_a_slot_is_not_enqueued_again_after_its_job_finished(db: Any) -> None:
    schedule_tick(now=at(9, 20))
    [claimed] = job_claim(worker_id="w1", now=at(9, 20))
    job_complete(job=claimed, worker_id="w1")
    assert schedule_tick(now=at(9, 30)) == []
    assert Job.objects.filter(type="cleanup").count() == 1


def test_each_tick_of_several_workers_enqueues_each_slot_exactly_once(db: Any) -> None:
    results = [schedule_tick(now=at(9, 20)) for _ in range(3)]
    assert results[0] and results[1:] == [[], []]
    assert ScheduleRun.objects.count() == 1


def test_the_next_slot_is_enqueued_when_it_comes(db: Any) -> None:
    schedule_tick(now=at(9, 20))
    assert schedule_tick(now=at(10, 17)) == ["cleanup:system:2026-03-02T10:17Z"]


def test_slots_older_than_the_catch_up_window_are_skipped(db: Any, settings: Any) -> None:
    settings.JOB_SCHEDULE_CATCH_UP_SECONDS = 60
    assert schedule_tick(now=at(9, 30)) == []


def test_the_digest_runs_at_seven_in_each_tenants_timezone(world: World) -> None:
    # acme is in America/Los_Angeles (UTC-8 in early March): 07:00 there is 15:00 UTC.
    enqueued = schedule_tick(now=at(7, 5))
    assert f"notification_digest:t{world.other.pk}:2026-03-02T07:00Z" in enqueued
    assert not any(key.startswith(f"notification_digest:t{world.acme.pk}") for key in enqueued)
    later = schedule_tick(now=at(15, 5))
    assert f"notification_digest:t{world.acme.pk}:2026-03-02T15:00Z" in later
    digest = Job.objects.get(type="notification_digest", tenant=world.acme)
    assert digest.status == JobStatus.PENDING


def test_account_type_update_runs_daily_at_two_per_tenant(world: World) -> None:
    enqueued = schedule_tick(now=at(2, 1))
    assert f"account_type_update:t{world.other.pk}:2026-03-02T02:00Z" in enqueued
    assert Job.objects.filter(type="account_type_update").count() == 1


def test_latest_slot_counts_the_exact_minute(db: Any) -> None:
    assert latest_slot("17 * * * *", at(9, 17), UTC) == at(9, 17)  # type: ignore[arg-type]
