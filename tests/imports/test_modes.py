"""Dry run, all or nothing, skip bad rows; retries, cancellation-free progress and tenant isolation."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import timedelta
from typing import Any

from django.utils import timezone

from leora.crm.models import Customer
from leora.imports.models import ImportRun, ImportStatus
from leora.imports.services import import_execute, import_start, import_upload, run_path
from leora.jobs.models import Job, JobStatus
from leora.tenancy.actors import Actor
from leora.tenancy.models import AuditEvent
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World
from tests.imports.conftest import csv_file, do_import, job_of, problems, reload, run_jobs

GOOD = "account_number,name\nA-1,One\nA-2,Two\nA-3,Three\n"
TWO_BAD = "account_number,name,email\nA-1,One,\nA-2,,\nA-3,Three,bad@\nA-4,Four,\n"


def _count(world: World) -> int:
    return Customer.objects.for_tenant(world.acme).count()


def test_a_dry_run_counts_what_it_would_do_and_writes_nothing(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(TWO_BAD), mode="dry_run")

    assert _count(world) == 0
    assert (run.created_count, run.skipped_count, run.applied) == (2, 2, False)
    assert [row for row, _ in problems(run)] == [3, 4]
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="import.apply").exists()


def test_all_or_nothing_with_one_bad_row_writes_nothing(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(GOOD + "A-4,,\n"), mode="all_or_nothing")

    assert _count(world) == 0
    assert run.status == ImportStatus.COMPLETED
    assert not run.applied
    assert problems(run) == [(5, "name: is empty; every row needs it")]
    assert run.message.startswith("Nothing was imported")


def test_all_or_nothing_with_good_rows_writes_them_all(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(GOOD), mode="all_or_nothing")

    assert run.applied
    assert _count(world) == 3


def test_skip_bad_rows_imports_the_good_ones_and_reports_the_bad(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(TWO_BAD), mode="skip_bad_rows")

    assert sorted(Customer.objects.for_tenant(world.acme).values_list("account_number", flat=True)) == [
        "A-1",
        "A-4",
    ]
    assert problems(run) == [
        (3, "name: is empty; every row needs it"),
        (4, "email: enter a valid email address"),
    ]


def test_duplicate_keys_in_one_file_refuse_the_later_row(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(GOOD + "A-2,Two again\n"), mode="all_or_nothing")

    assert _count(world) == 0
    assert problems(run) == [(5, "the same account number is on row 3; each may appear once")]


def test_a_formula_cell_is_refused_naming_row_and_column(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(GOOD + 'A-4,"=HYPERLINK(""x"")"\n'), mode="all_or_nothing")

    assert _count(world) == 0
    assert problems(run) == [(5, 'name: is a formula (=HYPERLINK("x")); paste the value instead')]


def test_the_job_ends_at_full_progress_with_the_counts(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(GOOD))

    job = job_of(run)
    assert job.status == JobStatus.COMPLETED
    assert (job.progress, job.progress_message) == (100, run.message)
    assert job.result is not None and job.result["created"] == 3


def test_progress_is_reported_after_every_chunk(world: World, admin: Actor) -> None:
    text = "account_number,name\n" + "".join(f"P-{n},Venue {n}\n" for n in range(2500))
    run = import_upload(actor=admin, uploaded=csv_file(text), entity="customers")
    run.mapping = {"account_number": "account_number", "name": "name"}
    seen: list[tuple[float, str]] = []

    with scopes_disabled():
        import_execute(run=run, progress=lambda p, m: seen.append((p, m)), check_cancel=lambda: None)

    middle = [(p, m) for p, m in seen if 0 < p < 100]
    assert [m.split(" rows")[0] for _, m in middle] == ["1,000", "2,000"]
    assert [p for p, _ in middle] == sorted(p for p, _ in middle)
    assert seen[-1][0] == 100


def test_an_import_retries_after_storage_was_missing(world: World, admin: Actor, tmp_path: object) -> None:
    # given an import whose file is not in storage when the job first runs (a volume not mounted yet)
    run = import_upload(actor=admin, uploaded=csv_file(GOOD), entity="customers")
    run = import_start(actor=admin, run=run, mode="skip_bad_rows")
    kept = run_path(run).with_suffix(".kept")
    shutil.move(run_path(run), kept)
    run_jobs()
    job = job_of(run)
    assert job.status == JobStatus.PENDING and job.attempts == 1
    assert reload(run).status == ImportStatus.QUEUED
    assert _count(world) == 0

    # when the file is back and the retry comes due
    shutil.move(kept, run_path(run))
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    run_jobs()

    # then the second attempt imports the file
    assert reload(run).status == ImportStatus.COMPLETED
    assert _count(world) == 3


def test_the_error_report_lists_the_rejected_rows_and_why(world: World, admin: Actor, client: object) -> None:
    run = do_import(admin, "customers", csv_file(TWO_BAD))
    client.force_login(world.admin)  # type: ignore[attr-defined]

    response = client.get(f"/imports/{run.pk}/errors.csv")  # type: ignore[attr-defined]

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["row", "problem", "account_number", "name", "email"],
        ["3", "name: is empty; every row needs it", "A-2", "", ""],
        ["4", "email: enter a valid email address", "A-3", "Three", "bad@"],
    ]


def test_another_tenants_import_is_invisible(world: World, api_as: object) -> None:
    other = factories.actor(world.other, world.other_admin)
    run = do_import(other, "customers", csv_file(GOOD))
    api = api_as(world.admin)  # type: ignore[operator]

    assert api.get(f"/api/imports/{run.pk}").status_code == 404
    assert api.get(f"/api/imports/{run.pk}/errors.csv").status_code == 404
    assert api.get("/api/imports").json()["total"] == 0
    with scopes_disabled():
        assert Customer.objects.for_tenant(world.acme).count() == 0
        assert ImportRun.objects.for_tenant(world.other).count() == 1


def test_an_applied_import_announces_import_completed_once(
    world: World, admin: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    from leora.events import business_event

    heard: list[dict[str, object]] = []

    def listen(sender: object, tenant_id: int, event: str, data: dict[str, object], **kwargs: object) -> None:
        heard.append({"tenant_id": tenant_id, "event": event, **data})

    business_event.connect(listen, dispatch_uid="test-imports-completed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            do_import(admin, "customers", csv_file(TWO_BAD), mode="dry_run")
            run = do_import(admin, "customers", csv_file(TWO_BAD), mode="skip_bad_rows")
    finally:
        business_event.disconnect(dispatch_uid="test-imports-completed")

    completed = [h for h in heard if h["event"] == "import.completed"]
    assert completed == [{"tenant_id": world.acme.pk, "event": "import.completed", "import_id": run.pk,
                          "entity": "customers", "mode": "skip_bad_rows", "created": 2, "updated": 0,
                          "unchanged": 0, "skipped": 2}]  # fmt: skip


def test_a_bad_number_is_refused_naming_row_and_column(world: World, admin: Actor) -> None:
    text = "SKU,Name,Price\nRIO-1,Rioja,18.50\nBAR-1,Barolo,about 40\n"

    run = do_import(admin, "products", csv_file(text), mode="all_or_nothing")

    assert problems(run) == [(3, "Price: about 40 is not a number")]
    assert not run.applied
