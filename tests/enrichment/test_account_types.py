"""account_type_update run for real: the transitions, what each change writes, idempotence, resuming
after a crash, the admins' rule segments, and tenant isolation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from leora.crm.models import AccountType, Activity, Customer
from leora.enrichment import account_types
from leora.enrichment.models import AccountTypeRun
from leora.jobs.models import JobStatus
from leora.jobs.processing import process_jobs
from leora.metrics.models import MetricDefinition, MetricVersion
from leora.metrics.services import metric_update
from leora.tenancy.models import AuditEvent
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World
from tests.enrichment.conftest import orders_on, result, retry_now, run

pytestmark = pytest.mark.django_db


def type_of(customer: Customer) -> str:
    with scopes_disabled():
        return Customer.objects.get(pk=customer.pk).account_type


def audit_events() -> list[tuple[str, Any, Any]]:
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(action="customer.account_type")
            .order_by("pk")
            .values_list("object_id", "before", "after")
        )


@pytest.fixture
def book(world: World, today: date, setup: None) -> dict[str, Customer]:
    """One account of each kind, all still typed PROSPECT except the hand-marked target."""
    recent = factories.make_customer(world.acme, world.rep1, name="Recent Buyer")
    orders_on(recent, [today - timedelta(days=d) for d in (5, 35, 65)])
    lapsed = factories.make_customer(
        world.acme, world.rep1, name="Lapsed Bar", account_type=AccountType.ACTIVE
    )
    orders_on(lapsed, [today - timedelta(days=d) for d in (120, 150)])
    never = factories.make_customer(world.acme, world.rep1, name="Never Ordered")
    marked = factories.make_customer(
        world.acme, world.rep2, name="Worked Prospect", account_type=AccountType.TARGET
    )
    return {"recent": recent, "lapsed": lapsed, "never": never, "marked": marked}


def test_accounts_are_classified_prospect_active_or_target(world: World, book: dict[str, Customer]) -> None:
    job = run("account_type_update", world.acme)

    assert job.status == JobStatus.COMPLETED, job.last_error
    assert {name: type_of(c) for name, c in book.items()} == {
        "recent": "ACTIVE",
        "lapsed": "TARGET",
        "never": "PROSPECT",
        "marked": "TARGET",
    }
    assert result(job)["processed"] == 4 and result(job)["changed"] == 2
    assert result(job)["changes"] == {"PROSPECT->ACTIVE": 1, "ACTIVE->TARGET": 1}


def test_each_change_writes_an_audit_event_and_an_activity_note(
    world: World, book: dict[str, Customer]
) -> None:
    run("account_type_update", world.acme)

    by = {"by": "daily classification"}
    assert sorted(audit_events()) == sorted(
        [
            (str(book["recent"].pk), {"account_type": "PROSPECT"}, {"account_type": "ACTIVE", **by}),
            (str(book["lapsed"].pk), {"account_type": "ACTIVE"}, {"account_type": "TARGET", **by}),
        ]
    )
    with scopes_disabled():
        notes = dict(Activity.objects.filter(kind="note").values_list("customer_id", "outcome"))
    assert notes == {
        book["recent"].pk: "Account type changed from Prospect to Active by the daily classification.",
        book["lapsed"].pk: "Account type changed from Active to Target by the daily classification.",
    }


def test_a_second_run_changes_nothing_and_writes_nothing(world: World, book: dict[str, Customer]) -> None:
    run("account_type_update", world.acme)
    with scopes_disabled():
        written = (AuditEvent.objects.count(), Activity.objects.count())

    again = run("account_type_update", world.acme)

    assert again.status == JobStatus.COMPLETED and result(again)["changed"] == 0
    with scopes_disabled():
        assert (AuditEvent.objects.count(), Activity.objects.count()) == written


def test_an_account_that_starts_ordering_moves_from_prospect_to_active(
    world: World, book: dict[str, Customer], today: date
) -> None:
    run("account_type_update", world.acme)
    with scopes_disabled():
        orders_on(book["never"], [today])

    run("account_type_update", world.acme)

    assert type_of(book["never"]) == "ACTIVE"


def test_a_run_resumes_after_the_last_committed_batch_when_an_attempt_dies(
    world: World, today: date, setup: None, settings: Any, monkeypatch: Any
) -> None:
    settings.ACCOUNT_TYPE_BATCH_SIZE = 2
    buyers = [factories.make_customer(world.acme, world.rep1, name=f"Buyer {n}") for n in range(5)]
    for buyer in buyers:
        orders_on(buyer, [today - timedelta(days=3)])
    real = account_types._write_changes
    calls: list[int] = []

    def dies_on_the_second_batch(tenant: Any, changes: Any) -> None:
        calls.append(len(changes))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        real(tenant, changes)

    monkeypatch.setattr(account_types, "_write_changes", dies_on_the_second_batch)

    job = run("account_type_update", world.acme)

    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert [type_of(b) for b in buyers] == ["ACTIVE", "ACTIVE", "PROSPECT", "PROSPECT", "PROSPECT"]
    with scopes_disabled():
        assert AccountTypeRun.objects.get(job_id=job.pk).last_customer_id == buyers[1].pk
    monkeypatch.setattr(account_types, "_write_changes", real)
    retry_now(job)

    process_jobs(max_jobs=5, types=["account_type_update"])

    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED
    assert result(job)["resumed_after_customer_id"] == buyers[1].pk
    assert result(job)["processed"] == 5 and result(job)["changed"] == 5
    assert [type_of(b) for b in buyers] == ["ACTIVE"] * 5
    assert len(audit_events()) == 5


def test_an_admins_edit_of_the_active_account_segment_changes_the_outcome(
    world: World, book: dict[str, Customer], today: date
) -> None:
    with scopes_disabled():
        slow = factories.make_customer(world.acme, world.rep1, name="Slow Buyer")
        orders_on(slow, [today - timedelta(days=d) for d in (40, 55, 70)])
    run("account_type_update", world.acme)
    assert type_of(slow) == "ACTIVE"
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="active_account")
    metric_update(
        actor=factories.actor(world.acme, world.admin),
        definition=definition,
        changes={"formula": "order_count >= 1 and days_since_last_order < 30 days"},
    )

    run("account_type_update", world.acme)

    assert type_of(slow) == "TARGET"
    assert type_of(book["recent"]) == "ACTIVE"


def test_a_tenant_without_the_rule_segments_gets_them_installed_first(
    world: World, book: dict[str, Customer]
) -> None:
    with scopes_disabled():
        MetricVersion.objects.filter(code__in=["active_account", "target_account"]).delete()
        MetricDefinition.objects.filter(code__in=["active_account", "target_account"]).delete()

    job = run("account_type_update", world.acme)

    assert job.status == JobStatus.COMPLETED, job.last_error
    assert set(
        MetricDefinition.objects.for_tenant(world.acme)
        .filter(code__in=["active_account", "target_account"])
        .values_list("code", flat=True)
    ) == {"active_account", "target_account"}
    assert type_of(book["recent"]) == "ACTIVE"


def test_a_rule_that_is_not_a_segment_fails_the_job_saying_so(
    world: World, book: dict[str, Customer]
) -> None:
    with scopes_disabled():
        MetricVersion.objects.filter(tenant=world.acme, code="target_account").update(
            kind="value", formula="order_count"
        )

    job = run("account_type_update", world.acme)

    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert "the target_account metric must be a segment" in job.last_error
    assert type_of(book["recent"]) == "PROSPECT"


def test_a_run_leaves_other_tenants_accounts_alone(
    world: World, book: dict[str, Customer], today: date
) -> None:
    with scopes_disabled():
        theirs = factories.make_customer(world.other, world.other_rep)
        orders_on(theirs, [today])

    run("account_type_update", world.acme)

    assert type_of(theirs) == "PROSPECT"
    assert all(event[0] != str(theirs.pk) for event in audit_events())


def test_only_the_accounts_named_are_classified(world: World, book: dict[str, Customer]) -> None:
    job = run("account_type_update", world.acme, customer_ids=[book["lapsed"].pk])

    assert result(job)["processed"] == 1
    assert (type_of(book["lapsed"]), type_of(book["recent"])) == ("TARGET", "PROSPECT")
