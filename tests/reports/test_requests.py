"""Requesting reports: bad input, scope, who may download, idempotency, retries, progress and tenants."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from leora.jobs.models import Job, JobStatus
from leora.metrics.models import MetricDefinition
from leora.reports.models import Report
from leora.reports.writers import escape_formula
from leora.tenancy.calendar import tenant_today
from tests.conftest import World
from tests.reports.conftest import INJECTION, Book, job_of, run_reports

pytestmark = pytest.mark.django_db

REPORTS = "/api/reports"


def ask(client: Any, where: Book | dict[str, str], **body: Any) -> Any:
    period = where.range if isinstance(where, Book) else where
    return client.post(REPORTS, {"type": "sales_by_rep", "format": "csv", **period, **body})


@pytest.fixture
def period(world: World, unscoped: None) -> dict[str, str]:
    """A range for the refusals, which need no book to be refused."""
    today = tenant_today(world.acme)
    return {"date_from": (today - timedelta(days=30)).isoformat(), "date_to": today.isoformat()}


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def nothing_written() -> bool:
    return not Report.objects.exists() and not Job.objects.filter(type="report_generation").exists()


# ---------------------------------------------------------------------------------------- bad input


def test_an_unknown_type_is_a_422_naming_type(world: World, period: dict[str, str], api_as: Any) -> None:
    response = ask(api_as(world.admin), period, type="sales_by_planet")
    assert response.status_code == 422 and fields(response) == ["type"]
    assert "sales_by_rep" in response.json()["detail"]
    assert nothing_written()


def test_an_unknown_format_is_a_422_naming_format(world: World, period: dict[str, str], api_as: Any) -> None:
    response = ask(api_as(world.admin), period, format="docx")
    assert response.status_code == 422 and fields(response) == ["format"]


def test_an_end_before_the_start_is_a_422_naming_date_to(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    backwards = {"date_from": period["date_to"], "date_to": period["date_from"]}
    response = ask(api_as(world.admin), backwards)
    assert response.status_code == 422 and fields(response) == ["date_to"]
    assert nothing_written()


def test_a_customer_statement_without_a_customer_is_a_422(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    response = ask(api_as(world.rep1), period, type="customer_statement")
    assert response.status_code == 422 and fields(response) == ["customer_id"]
    assert nothing_written()


def test_a_statement_for_a_customer_outside_the_book_is_a_422(world: World, book: Book, api_as: Any) -> None:
    hazel = book.customers["hazel"]  # rep2's
    response = ask(api_as(world.rep1), book, type="customer_statement", customer_id=hazel.pk)
    assert response.status_code == 422 and fields(response) == ["customer_id"]


def test_a_rep_asking_for_another_reps_book_is_refused_naming_rep_id(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    response = ask(api_as(world.rep1), period, rep_id=world.rep2.pk)
    assert response.status_code == 403 and fields(response) == ["rep_id"]
    assert nothing_written()


def test_a_manager_asking_for_a_rep_outside_the_team_is_refused(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    response = ask(api_as(world.manager), period, rep_id=world.rep3.pk)
    assert response.status_code == 403 and fields(response) == ["rep_id"]


def test_a_person_of_another_tenant_is_no_rep_to_ask_for(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    response = ask(api_as(world.admin), period, rep_id=world.other_rep.pk)
    assert response.status_code == 422 and fields(response) == ["rep_id"]


# -------------------------------------------------------------------------------------------- scope


def test_a_manager_narrowed_to_one_rep_reads_only_that_book(world: World, book: Book, api_as: Any) -> None:
    client = api_as(world.manager)
    report = ask(client, book, rep_id=world.rep2.pk).json()
    assert report["scope"]["kind"] == "rep" and report["scope"]["user"]["id"] == world.rep2.pk
    run_reports()
    text = b"".join(client.get(f"{REPORTS}/{report['id']}/download").streaming_content).decode("utf-8-sig")
    assert "Rep2" in text and "Rep1" not in text


def test_the_job_reads_with_the_requesters_scope_as_it_is_now(world: World, book: Book, api_as: Any) -> None:
    from leora.tenancy.models import Membership

    client = api_as(world.manager)
    report = ask(client, book).json()
    # rep2 leaves the manager's team before the job runs: the report no longer covers them.
    Membership.objects.filter(user=world.rep2).update(manager=None)
    run_reports()
    text = b"".join(client.get(f"{REPORTS}/{report['id']}/download").streaming_content).decode("utf-8-sig")
    assert "Rep1" in text and "Rep2" not in text


def test_the_rep_whose_book_it_is_and_their_manager_may_download(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    report = ask(api_as(world.rep1), period).json()
    run_reports()
    assert api_as(world.manager).get(f"{REPORTS}/{report['id']}/download").status_code == 200
    assert api_as(world.admin).get(f"{REPORTS}/{report['id']}").status_code == 200
    assert api_as(world.rep2).get(f"{REPORTS}/{report['id']}/download").status_code == 404


def test_a_managers_team_report_is_not_for_the_reps(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    report = ask(api_as(world.manager), period).json()
    run_reports()
    assert api_as(world.rep1).get(f"{REPORTS}/{report['id']}/download").status_code == 404
    assert [r["id"] for r in api_as(world.rep1).get(REPORTS).json()["items"]] == []
    assert [r["id"] for r in api_as(world.manager).get(REPORTS).json()["items"]] == [report["id"]]


def test_another_tenants_report_is_a_404_everywhere(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    report = ask(api_as(world.admin), period).json()
    run_reports()
    outsider = api_as(world.other_admin)
    assert outsider.get(f"{REPORTS}/{report['id']}").status_code == 404
    assert outsider.get(f"{REPORTS}/{report['id']}/download").status_code == 404
    assert outsider.get(REPORTS).json()["total"] == 0


def test_the_other_tenants_rows_never_reach_a_report(world: World, book: Book, api_as: Any) -> None:
    client = api_as(world.admin)
    report = ask(client, book, type="balances_aging").json()
    run_reports()
    text = b"".join(client.get(f"{REPORTS}/{report['id']}/download").streaming_content).decode("utf-8-sig")
    assert "Foreign" not in text and "999" not in text


def test_files_are_stored_under_the_tenants_directory(
    world: World, period: dict[str, str], api_as: Any, settings: Any
) -> None:
    report = ask(api_as(world.admin), period).json()
    run_reports()
    stored = Report.objects.get(pk=report["id"])
    assert stored.file_path.startswith(f"reports/{world.acme.pk}/{stored.pk}/")
    assert (settings.MEDIA_ROOT / stored.file_path).is_file()


# ------------------------------------------------------------------------------------------ escaping


def test_cells_that_start_like_a_formula_are_escaped() -> None:
    assert [escape_formula(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "Plain", "a=b")] == [
        "'=1+1", "'+1", "'-2", "'@SUM(A1)", "Plain", "a=b",
    ]  # fmt: skip


def test_an_xlsx_keeps_a_formula_like_name_as_text(world: World, book: Book, api_as: Any) -> None:
    client = api_as(world.admin)
    report = ask(client, book, type="balances_aging", format="xlsx").json()
    run_reports()
    content = b"".join(client.get(f"{REPORTS}/{report['id']}/download").streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [
        row[0] for row in sheet.iter_rows(min_row=6) if row[0].value and "HYPERLINK" in str(row[0].value)
    ]
    assert [(c.value, c.data_type) for c in cells] == [("'" + INJECTION, "s")]


# -------------------------------------------------------------------------- idempotency, retry, progress


def test_the_same_idempotency_key_returns_the_same_report(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    client = api_as(world.rep1)
    first = ask(client, period, idempotency_key="monthly-1")
    again = client.client.post(
        REPORTS,
        data={"type": "sales_by_rep", "format": "csv", **period},
        content_type="application/json",
        headers={**client.headers, "Idempotency-Key": "monthly-1"},
    )
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert Report.objects.count() == 1 and Job.objects.filter(type="report_generation").count() == 1


def test_an_idempotency_key_reused_for_another_report_is_a_409(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    client = api_as(world.rep1)
    ask(client, period, idempotency_key="k")
    response = ask(client, period, idempotency_key="k", format="xlsx")
    assert response.status_code == 409 and fields(response) == ["idempotency_key"]


def test_a_transient_failure_is_retried_and_then_succeeds(
    world: World, period: dict[str, str], api_as: Any, settings: Any, tmp_path: Any
) -> None:
    client = api_as(world.admin)
    report = ask(client, period).json()
    media = settings.MEDIA_ROOT
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker  # the file cannot be written: a disk problem, not bad input
    run_reports()
    job = job_of(report["id"])
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    waiting = client.get(f"{REPORTS}/{report['id']}").json()
    assert waiting["status"] == "pending" and "trying again" in waiting["error"]

    settings.MEDIA_ROOT = media
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    run_reports()
    done = client.get(f"{REPORTS}/{report['id']}").json()
    assert (done["status"], done["error"], job_of(report["id"]).attempts) == ("completed", "", 2)


def test_a_report_the_tenant_cannot_build_fails_at_once_with_a_plain_message(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    MetricDefinition.objects.for_tenant(world.acme).filter(code="at_risk_customer").delete()
    client = api_as(world.manager)
    report = ask(client, period, type="at_risk_accounts").json()
    run_reports()
    failed = client.get(f"{REPORTS}/{report['id']}").json()
    assert failed["status"] == "failed" and "at_risk_customer" in failed["error"]
    assert job_of(report["id"]).status == JobStatus.FAILED
    assert client.get(f"{REPORTS}/{report['id']}/download").status_code == 404


def test_progress_goes_from_queued_to_ready(world: World, period: dict[str, str], api_as: Any) -> None:
    client = api_as(world.manager)
    queued = ask(client, period).json()
    assert (queued["status"], queued["progress"], queued["download_url"]) == ("pending", 0, None)
    run_reports()
    done = client.get(f"{REPORTS}/{queued['id']}").json()
    assert (done["status"], done["progress"], done["progress_message"]) == ("completed", 100, "ready")
    job = job_of(queued["id"])
    assert job.result is not None
    assert (job.progress, job.result["rows"]) == (100, done["row_count"])


def test_running_the_job_again_rewrites_the_same_file(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    from leora.jobs.queue import job_enqueue

    client = api_as(world.admin)
    report = ask(client, period).json()
    run_reports()
    first = Report.objects.get(pk=report["id"])
    job_enqueue(job_type="report_generation", payload={"report_id": first.pk}, tenant=world.acme)
    run_reports()
    again = Report.objects.get(pk=report["id"])
    assert (again.status, again.file_path, again.size) == ("completed", first.file_path, first.size)


def test_a_report_whose_job_was_cancelled_before_it_ran_reads_as_failed(
    world: World, period: dict[str, str], api_as: Any
) -> None:
    from leora.jobs.services import job_cancel
    from tests import factories

    client = api_as(world.rep1)
    report = ask(client, period).json()
    job_cancel(actor=factories.actor(world.acme, world.admin), job=job_of(report["id"]))
    cancelled = client.get(f"{REPORTS}/{report['id']}").json()
    assert (cancelled["status"], cancelled["download_url"]) == ("failed", None)
    assert cancelled["error"]


def test_the_list_reads_a_fixed_number_of_queries(world: World, period: dict[str, str], api_as: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(world.manager)

    def listing() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(REPORTS).status_code == 200
        return len(queries)

    ask(client, period, rep_id=world.rep1.pk)
    one = listing()
    for rep in (world.rep1, world.rep2):
        ask(client, period, rep_id=rep.pk, format="xlsx")
    assert client.get(REPORTS).json()["total"] == 3
    assert listing() == one
