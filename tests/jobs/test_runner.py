from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

import pytest

from leora.crm.models import Customer
from leora.jobs.context import JobContext
from leora.jobs.models import JobStatus
from leora.jobs.queue import job_claim, job_enqueue
from leora.jobs.registry import Payload, register, unregister
from leora.jobs.runner import Outcome, OutcomeCounts, run_job
from leora.jobs.services import job_cancel
from leora.tenancy.scoping import active_tenant_id, scopes_disabled
from tests.conftest import World
from tests.factories import actor, make_customer
from tests.jobs.conftest import reload

pytestmark = pytest.mark.django_db

BUSINESS_TYPES = [
    "image_extraction",
    "customer_enrichment",
    "report_generation",
    "bulk_import",
    "account_type_update",
    "webhook_dispatch",
    "notification_digest",
]


class Empty(Payload):
    pass


@pytest.fixture
def probe() -> Iterator[list[Any]]:
    """A throwaway job type recording the tenant scope and the customers its handler sees."""
    seen: list[Any] = []

    @register("test_scope_probe", schema=Empty)
    def handler(ctx: JobContext, payload: Empty) -> None:
        seen.append((active_tenant_id(), sorted(Customer.objects.values_list("name", flat=True))))

    yield seen
    unregister("test_scope_probe")


def run_next(worker_id: str = "w1") -> Outcome:
    [job] = job_claim(worker_id=worker_id)
    return run_job(job, worker_id=worker_id)


def test_a_handler_runs_scoped_to_its_jobs_tenant_and_never_the_previous_one(
    world: World, probe: list[Any]
) -> None:
    with scopes_disabled():
        make_customer(world.acme, name="Acme bar")
        make_customer(world.other, name="Other bar")
    job_enqueue(job_type="test_scope_probe", tenant=world.acme, priority=2)
    job_enqueue(job_type="test_scope_probe", tenant=world.other, priority=1)
    assert run_next() == Outcome.SUCCEEDED
    assert run_next() == Outcome.SUCCEEDED
    assert probe == [(world.acme.pk, ["Acme bar"]), (world.other.pk, ["Other bar"])]
    assert active_tenant_id() is None


def test_a_system_job_sees_every_tenant(world: World, probe: list[Any]) -> None:
    with scopes_disabled():
        make_customer(world.acme, name="Acme bar")
        make_customer(world.other, name="Other bar")
    job = job_enqueue(job_type="test_scope_probe")
    assert job.tenant_id is None
    run_next()
    assert probe == [(None, ["Acme bar", "Other bar"])]


def test_a_successful_job_stores_the_handlers_result(world: World) -> None:
    job = job_enqueue(job_type="sleep", payload={"seconds": 0, "steps": 1}, tenant=world.acme)
    assert run_next() == Outcome.SUCCEEDED
    assert reload(job).result == {"slept": 0.0}


def test_a_failing_handler_schedules_a_retry(world: World) -> None:
    job = job_enqueue(job_type="fail", payload={"message": "nope"}, tenant=world.acme)
    assert run_next() == Outcome.RETRIED
    stored = reload(job)
    assert (stored.status, stored.last_error) == (JobStatus.PENDING, "DiagnosticFailure: nope")


@pytest.mark.parametrize("job_type", BUSINESS_TYPES)
def test_every_business_type_is_registered_by_its_app_with_a_real_handler(job_type: str) -> None:
    from leora.jobs.registry import get_type

    registered = get_type(job_type)
    assert registered is not None
    assert registered.handler.__module__.split(".")[1] != "jobs"


def test_a_running_job_stops_at_its_next_progress_report_once_cancelled(world: World) -> None:
    job = job_enqueue(job_type="sleep", payload={"seconds": 0.2, "steps": 2}, tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    job_cancel(actor=actor(world.acme, world.admin), job=reload(job))
    cancel_event = threading.Event()
    cancel_event.set()  # what the worker's heartbeat does when it sees cancel_requested
    assert run_job(claimed, worker_id="w1", cancel_event=cancel_event) == Outcome.CANCELLED
    assert reload(job).status == JobStatus.CANCELLED


def test_a_cancel_request_is_seen_without_a_heartbeat_too(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr("leora.jobs.context.CANCEL_POLL_INTERVAL", 0)
    job = job_enqueue(job_type="sleep", payload={"seconds": 0.2, "steps": 4}, tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    job_cancel(actor=actor(world.acme, world.admin), job=reload(job))
    assert run_job(claimed, worker_id="w1") == Outcome.CANCELLED
    assert reload(job).progress < 100


def test_progress_is_recorded(world: World) -> None:
    job = job_enqueue(job_type="sleep", payload={"seconds": 0, "steps": 4}, tenant=world.acme)
    run_next()
    stored = reload(job)
    assert (stored.progress, stored.progress_message) == (100, "step 4 of 4")


def test_a_job_whose_lease_was_lost_while_it_ran_ends_lost(world: World, lease_loser: str) -> None:
    job_enqueue(job_type=lease_loser, tenant=world.acme)
    assert run_next() == Outcome.LOST


def test_every_outcome_has_its_own_counter() -> None:
    assert [f.name for f in fields(OutcomeCounts)] == [outcome.value for outcome in Outcome]


def test_a_lost_job_is_counted_with_the_others() -> None:
    counts = OutcomeCounts()
    for outcome in Outcome:
        counts.add(outcome)
    counts.add(Outcome.LOST, count=2)
    assert (counts.lost, counts.total) == (3, 7)
    assert counts.summary() == "1 succeeded, 1 retried, 1 failed, 1 cancelled, 3 lost"
