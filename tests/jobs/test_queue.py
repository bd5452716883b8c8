"""The queue's worker-facing operations: enqueue, claim, complete, fail, release, heartbeat, recover."""

from __future__ import annotations

import os
import random
import socket
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import transaction

from leora.errors import InvalidInput
from leora.jobs.models import Job, JobStatus
from leora.jobs.queue import (
    job_claim,
    job_cleanup,
    job_complete,
    job_complete_many,
    job_enqueue,
    job_fail,
    job_finish_cancelled,
    job_heartbeat,
    job_recover,
    job_release,
    new_worker_id,
    retry_delay,
)
from tests.conftest import World
from tests.jobs.conftest import raised, reload

pytestmark = pytest.mark.django_db


def test_enqueue_stores_the_payload_validated_with_defaults(world: World) -> None:
    job = job_enqueue(job_type="sleep", payload={"seconds": 2}, tenant=world.acme)
    assert reload(job).payload == {"seconds": 2.0, "steps": 10}
    assert job.status == JobStatus.PENDING
    assert (job.max_attempts, job.attempts) == (3, 0)


def test_enqueue_rejects_a_bad_payload_naming_the_field_and_stores_nothing(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        job_enqueue(job_type="sleep", payload={"seconds": -1}, tenant=world.acme)
    assert caught.value.errors[0].field == "payload.seconds"
    assert not Job.objects.exists()


def test_enqueue_rejects_unknown_fields(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        job_enqueue(job_type="noop", payload={"nope": 1}, tenant=world.acme)
    assert caught.value.errors[0].field == "payload.nope"


def test_enqueue_rejects_an_unknown_type(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        job_enqueue(job_type="make_coffee", payload={}, tenant=world.acme)
    assert caught.value.errors[0].field == "type"


def test_a_job_enqueued_in_a_rolled_back_transaction_never_exists(world: World) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(job_type="noop", tenant=world.acme)
        raise RuntimeError("the caller's business write failed")
    assert not Job.objects.exists()


def test_enqueue_with_the_key_of_an_unfinished_job_returns_that_job(world: World) -> None:
    first = job_enqueue(job_type="noop", tenant=world.acme, idempotency_key="k1")
    again = job_enqueue(job_type="noop", tenant=world.acme, idempotency_key="k1")
    assert again.pk == first.pk
    assert Job.objects.count() == 1


def test_a_key_is_free_again_once_its_job_finished(world: World) -> None:
    first = job_enqueue(job_type="noop", tenant=world.acme, idempotency_key="k1")
    [claimed] = job_claim(worker_id="w1")
    job_complete(job=claimed, worker_id="w1")
    second = job_enqueue(job_type="noop", tenant=world.acme, idempotency_key="k1")
    assert second.pk != first.pk


def test_keys_are_per_tenant_and_per_type(world: World) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, idempotency_key="k1")
    job_enqueue(job_type="noop", tenant=world.other, idempotency_key="k1")
    job_enqueue(job_type="sleep", tenant=world.acme, idempotency_key="k1")
    assert Job.objects.count() == 3


def test_system_jobs_share_one_key_space(db: Any) -> None:
    first = job_enqueue(job_type="cleanup", idempotency_key="slot-1")
    assert job_enqueue(job_type="cleanup", idempotency_key="slot-1").pk == first.pk
    assert Job.objects.count() == 1


def test_a_system_type_cannot_be_enqueued_for_a_tenant(world: World) -> None:
    with pytest.raises(InvalidInput):
        job_enqueue(job_type="cleanup", tenant=world.acme)


def test_claim_takes_the_highest_priority_then_the_oldest(world: World, t0: datetime) -> None:
    low = job_enqueue(job_type="noop", tenant=world.acme, priority=0, now=t0)
    high_late = job_enqueue(job_type="noop", tenant=world.acme, priority=5, now=t0 + timedelta(seconds=2))
    high_early = job_enqueue(job_type="noop", tenant=world.acme, priority=5, now=t0 + timedelta(seconds=1))
    claimed = job_claim(worker_id="w1", limit=3, now=t0 + timedelta(seconds=3))
    assert [job.pk for job in claimed] == [high_early.pk, high_late.pk, low.pk]


def test_claim_is_fifo_within_a_priority(world: World, t0: datetime) -> None:
    jobs = [job_enqueue(job_type="noop", tenant=world.acme, now=t0 + timedelta(seconds=i)) for i in range(5)]
    claimed = job_claim(worker_id="w1", limit=5, now=t0 + timedelta(minutes=1))
    assert [job.pk for job in claimed] == [job.pk for job in jobs]


def test_claim_leaves_jobs_whose_run_after_is_in_the_future(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, run_after=t0 + timedelta(hours=1), now=t0)
    assert job_claim(worker_id="w1", now=t0) == []
    assert len(job_claim(worker_id="w1", now=t0 + timedelta(hours=1))) == 1


def test_claim_marks_the_job_processing_with_a_lease(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    [claimed] = job_claim(worker_id="w1", lease_seconds=30, now=t0)
    stored = reload(claimed)
    assert stored.status == JobStatus.PROCESSING
    assert (stored.locked_by, stored.attempts) == ("w1", 1)
    assert stored.locked_until == t0 + timedelta(seconds=30)
    assert stored.started_at == t0


def test_a_leased_job_is_never_handed_to_a_second_worker(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    assert len(job_claim(worker_id="w1", now=t0)) == 1
    assert job_claim(worker_id="w2", now=t0 + timedelta(seconds=5)) == []


def test_claim_can_be_limited_to_some_types(world: World) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    sleeper = job_enqueue(job_type="sleep", tenant=world.acme)
    assert [job.pk for job in job_claim(worker_id="w1", limit=5, types=["sleep"])] == [sleeper.pk]


def test_complete_records_the_result(world: World) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    assert job_complete(job=claimed, worker_id="w1", result={"rows": 3})
    stored = reload(claimed)
    assert (stored.status, stored.result, stored.progress) == (JobStatus.COMPLETED, {"rows": 3}, 100)
    assert stored.finished_at is not None
    assert stored.locked_until is None


def test_a_worker_that_lost_its_lease_cannot_complete_the_job(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    [claimed] = job_claim(worker_id="w1", lease_seconds=10, now=t0)
    job_recover(now=t0 + timedelta(seconds=11))
    [again] = job_claim(worker_id="w2", now=t0 + timedelta(seconds=12))
    assert not job_complete(job=claimed, worker_id="w1")
    assert reload(again).status == JobStatus.PROCESSING
    assert reload(again).locked_by == "w2"


def test_complete_many_completes_every_held_job(world: World) -> None:
    for _ in range(3):
        job_enqueue(job_type="noop", tenant=world.acme)
    claimed = job_claim(worker_id="w1", limit=3)
    done = job_complete_many(
        completions=[(claimed[0], None), (claimed[1], {"n": 1}), (claimed[2], None)], worker_id="w1"
    )
    assert done == 3
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.COMPLETED}
    assert reload(claimed[1]).result == {"n": 1}


def test_a_failure_retries_after_an_exponential_backoff_with_jitter(
    world: World, t0: datetime, rng: random.Random, fast_backoff: None
) -> None:
    job_enqueue(job_type="fail", tenant=world.acme, now=t0)
    [claimed] = job_claim(worker_id="w1", now=t0)
    assert job_fail(job=claimed, worker_id="w1", exc=ValueError("boom"), now=t0, rng=rng) == JobStatus.PENDING
    stored = reload(claimed)
    assert timedelta(seconds=7.5) <= stored.run_after - t0 <= timedelta(seconds=12.5)
    assert stored.last_error == "ValueError: boom"

    t1 = stored.run_after
    assert job_claim(worker_id="w1", now=t1 - timedelta(seconds=1)) == []
    [second] = job_claim(worker_id="w1", now=t1)
    job_fail(job=second, worker_id="w1", exc=ValueError("boom again"), now=t1, rng=rng)
    assert timedelta(seconds=15) <= reload(second).run_after - t1 <= timedelta(seconds=25)


def test_the_last_allowed_failure_ends_failed_with_one_error_per_attempt(
    world: World, t0: datetime, rng: random.Random
) -> None:
    job_enqueue(job_type="fail", tenant=world.acme, now=t0)
    now = t0
    for attempt in range(1, 4):
        [claimed] = job_claim(worker_id="w1", now=now)
        assert claimed.attempts == attempt
        job_fail(job=claimed, worker_id="w1", exc=raised(RuntimeError(f"boom {attempt}")), now=now, rng=rng)
        now = reload(claimed).run_after if attempt < 3 else now
    stored = reload(claimed)
    assert stored.status == JobStatus.FAILED
    assert [entry["message"] for entry in stored.errors] == ["boom 1", "boom 2", "boom 3"]
    assert all(
        entry["type"] == "RuntimeError" and "Traceback" in entry["traceback"] for entry in stored.errors
    )
    assert stored.finished_at == now


def test_a_permanent_failure_skips_the_remaining_attempts(world: World) -> None:
    job_enqueue(job_type="fail", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    assert job_fail(job=claimed, worker_id="w1", exc=ValueError("bad data"), retry=False) == JobStatus.FAILED


def test_the_backoff_is_capped(settings: Any, rng: random.Random) -> None:
    settings.JOB_BACKOFF_JITTER = 0
    settings.JOB_BACKOFF_BASE_SECONDS = 10
    settings.JOB_BACKOFF_MAX_SECONDS = 60
    assert [retry_delay(attempt=n, rng=rng).total_seconds() for n in (1, 2, 3, 4, 9)] == [10, 20, 40, 60, 60]


def test_recover_requeues_a_job_whose_lease_expired(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    [claimed] = job_claim(worker_id="dead", lease_seconds=10, now=t0)
    assert job_recover(now=t0 + timedelta(seconds=9)) == (0, 0)
    assert job_recover(now=t0 + timedelta(seconds=11)) == (1, 0)
    stored = reload(claimed)
    assert (stored.status, stored.attempts) == (JobStatus.PENDING, 1)
    assert stored.errors[0]["type"] == "LeaseExpired"
    assert "dead" in stored.errors[0]["message"]


def test_a_heartbeat_keeps_the_lease_alive(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    [claimed] = job_claim(worker_id="w1", lease_seconds=10, now=t0)
    job_heartbeat(worker_id="w1", job_ids=[claimed.pk], lease_seconds=10, now=t0 + timedelta(seconds=8))
    assert job_recover(now=t0 + timedelta(seconds=15)) == (0, 0)
    assert reload(claimed).locked_until == t0 + timedelta(seconds=18)


def test_a_job_that_keeps_losing_its_worker_fails_after_max_attempts(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    now = t0
    for _ in range(3):
        [claimed] = job_claim(worker_id="doomed", lease_seconds=10, now=now)
        now += timedelta(seconds=11)
        job_recover(now=now)
    stored = reload(claimed)
    assert stored.status == JobStatus.FAILED
    assert [entry["type"] for entry in stored.errors] == ["LeaseExpired"] * 3


def test_release_gives_back_unstarted_jobs_and_refunds_the_attempt(world: World) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    assert job_release(jobs=[claimed], worker_id="w1") == 1
    stored = reload(claimed)
    assert (stored.status, stored.attempts) == (JobStatus.PENDING, 0)


def test_cleanup_deletes_finished_jobs_past_their_retention(world: World, t0: datetime) -> None:
    def finished(status: str, days_ago: int) -> Job:
        return Job.objects.create(
            tenant=world.acme, type="noop", status=status, finished_at=t0 - timedelta(days=days_ago)
        )

    keep = [finished("completed", 6), finished("failed", 29), finished("cancelled", 1)]
    finished("completed", 8)
    finished("cancelled", 8)
    finished("failed", 31)
    pending = Job.objects.create(tenant=world.acme, type="noop", created_at=t0 - timedelta(days=90))
    assert job_cleanup(now=t0) == 3
    assert set(Job.objects.values_list("pk", flat=True)) == {job.pk for job in [*keep, pending]}


def test_cleanup_ages_are_configurable(world: World, t0: datetime, settings: Any) -> None:
    settings.JOB_CLEANUP_COMPLETED_DAYS = 1
    Job.objects.create(tenant=world.acme, type="noop", status="completed", finished_at=t0 - timedelta(days=2))
    assert job_cleanup(now=t0) == 1


def test_a_worker_id_names_the_host_and_the_process() -> None:
    host, pid, _ = new_worker_id().split(":")
    assert (host, pid) == (socket.gethostname()[:60], str(os.getpid()))


def test_a_worker_id_is_new_every_time_and_may_carry_a_prefix() -> None:
    assert new_worker_id() != new_worker_id()
    assert new_worker_id(prefix="http:").startswith(f"http:{socket.gethostname()[:60]}:")


def test_complete_many_counts_only_the_jobs_the_worker_still_holds(world: World, t0: datetime) -> None:
    for _ in range(2):
        job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    kept, lost = job_claim(worker_id="w1", limit=2, lease_seconds=10, now=t0)
    Job.objects.filter(pk=lost.pk).update(locked_by="w2")
    assert job_complete_many(completions=[(kept, None), (lost, {"n": 1})], worker_id="w1") == 1
    assert reload(lost).status == JobStatus.PROCESSING


def test_a_worker_that_lost_its_lease_cannot_fail_the_job(world: World) -> None:
    job_enqueue(job_type="fail", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    Job.objects.filter(pk=claimed.pk).update(locked_by="w2")
    assert job_fail(job=claimed, worker_id="w1", exc=ValueError("late")) is None
    assert reload(claimed).errors == []


def test_a_worker_that_lost_its_lease_cannot_mark_the_job_cancelled(world: World) -> None:
    job_enqueue(job_type="sleep", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    Job.objects.filter(pk=claimed.pk).update(locked_by="w2")
    assert not job_finish_cancelled(job=claimed, worker_id="w1")
    assert reload(claimed).status == JobStatus.PROCESSING


def test_release_ends_a_job_whose_cancel_was_requested_cancelled(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    [claimed] = job_claim(worker_id="w1", now=t0)
    Job.objects.filter(pk=claimed.pk).update(cancel_requested=True)
    job_release(jobs=[claimed], worker_id="w1", now=t0 + timedelta(seconds=1))
    stored = reload(claimed)
    assert (stored.status, stored.finished_at) == (JobStatus.CANCELLED, t0 + timedelta(seconds=1))


def test_recover_ends_a_job_whose_cancel_was_requested_cancelled(world: World, t0: datetime) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, now=t0)
    [claimed] = job_claim(worker_id="dead", lease_seconds=10, now=t0)
    Job.objects.filter(pk=claimed.pk).update(cancel_requested=True)
    assert job_recover(now=t0 + timedelta(seconds=11)) == (0, 0)
    stored = reload(claimed)
    assert (stored.status, stored.errors[0]["type"]) == (JobStatus.CANCELLED, "LeaseExpired")
