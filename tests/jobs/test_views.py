from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.jobs.models import Job, JobStatus, WorkerHeartbeat
from leora.jobs.queue import job_claim, job_enqueue, job_fail
from tests.conftest import World
from tests.jobs.conftest import raised

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def failed_job(world: World) -> Job:
    job_enqueue(job_type="fail", tenant=world.acme, payload={"message": "ledger locked"})
    [claimed] = job_claim(worker_id="w1")
    job_fail(job=claimed, worker_id="w1", exc=raised(RuntimeError("ledger locked")), retry=False)
    return claimed


def test_the_jobs_page_lists_the_tenants_jobs_with_counts(world: World, failed_job: Job) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    job_enqueue(job_type="sleep", tenant=world.other)
    response = signed_in(world.admin).get("/jobs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-trigger="every 5s"' in html
    assert response.context["counts"] == {
        "pending": 1,
        "processing": 0,
        "completed": 0,
        "failed": 1,
        "cancelled": 0,
    }
    assert {job.type for job in response.context["page"].items} == {"fail", "noop"}
    assert "ledger locked" in html


def test_the_jobs_pages_are_for_admins_only(world: World, failed_job: Job) -> None:
    rep = signed_in(world.rep1)
    assert rep.get("/jobs/").status_code == 403
    assert rep.get(f"/jobs/{failed_job.pk}/").status_code == 403
    assert rep.post(f"/jobs/{failed_job.pk}/retry/").status_code == 403


def test_signed_out_visitors_are_sent_to_login(client: Any) -> None:
    response = client.get("/jobs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_list_filters_by_status_and_answers_htmx_with_the_table_only(
    world: World, failed_job: Job
) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    response = signed_in(world.admin).get("/jobs/", {"status": "failed"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<div id="job-results">')
    assert [job.pk for job in response.context["page"].items] == [failed_job.pk]


def test_the_list_page_runs_a_fixed_number_of_queries(world: World, django_assert_num_queries: Any) -> None:
    for _ in range(30):
        job_enqueue(job_type="noop", tenant=world.acme, created_by=world.admin)
    client = signed_in(world.admin)
    # session, user, membership, counts, workers, system jobs' latest runs, the page's count, the rows
    with django_assert_num_queries(8):
        assert client.get("/jobs/").status_code == 200


def test_the_counts_fragment_polls_itself(world: World, failed_job: Job) -> None:
    html = signed_in(world.admin).get("/jobs/counts/").content.decode()
    assert 'id="job-counts"' in html
    assert 'hx-trigger="every 5s"' in html


def test_the_job_page_shows_payload_attempts_and_traceback(world: World, failed_job: Job) -> None:
    html = signed_in(world.admin).get(f"/jobs/{failed_job.pk}/").content.decode()
    assert "&quot;message&quot;: &quot;ledger locked&quot;" in html
    assert "Attempt 1" in html
    assert "Traceback" in html
    assert 'role="progressbar"' in html
    assert ">Retry<" in html


def test_another_tenants_job_page_answers_404(world: World) -> None:
    other = job_enqueue(job_type="noop", tenant=world.other)
    client = signed_in(world.admin)
    assert client.get(f"/jobs/{other.pk}/").status_code == 404
    assert client.post(f"/jobs/{other.pk}/cancel/").status_code == 404
    assert Job.objects.get(pk=other.pk).status == JobStatus.PENDING


def test_the_retry_button_queues_the_job_again(world: World, failed_job: Job) -> None:
    response = signed_in(world.admin).post(f"/jobs/{failed_job.pk}/retry/")
    assert response.status_code == 302
    assert Job.objects.get(pk=failed_job.pk).status == JobStatus.PENDING


def test_the_cancel_button_cancels_a_pending_job(world: World) -> None:
    job = job_enqueue(job_type="noop", tenant=world.acme)
    signed_in(world.admin).post(f"/jobs/{job.pk}/cancel/")
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED


def test_a_running_jobs_page_polls_its_status(world: World) -> None:
    job = job_enqueue(job_type="sleep", tenant=world.acme)
    job_claim(worker_id="w1")
    client = signed_in(world.admin)
    assert 'hx-trigger="every 2s"' in client.get(f"/jobs/{job.pk}/").content.decode()
    fragment = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="job-status"')


def test_the_jobs_page_says_which_workers_are_running(world: World) -> None:
    WorkerHeartbeat.objects.create(
        worker_id="demo-host:4242:abc123", hostname="demo-host", pid=4242, concurrency=2, jobs_done=17,
        last_seen_at=timezone.now() - timedelta(seconds=8),
    )  # fmt: skip
    html = signed_in(world.admin).get("/jobs/").content.decode()
    assert "1 running" in html
    assert "Last heartbeat <time" in html and "just now</time>" in html
    assert "2 threads" in html and "17</span> jobs done" in html
    # hosts and process ids are the operators' business, not a tenant admin's
    assert "demo-host" not in html and "Worker 1" in html


def test_staff_see_the_workers_hosts(world: World) -> None:
    WorkerHeartbeat.objects.create(worker_id="demo-host:4242:abc123", hostname="demo-host", pid=4242)
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    assert "demo-host:4242:abc123" in signed_in(world.admin).get("/jobs/").content.decode()


def test_with_no_worker_the_page_says_how_to_start_one(world: World) -> None:
    WorkerHeartbeat.objects.create(
        worker_id="gone:1:x", hostname="gone", pid=1, last_seen_at=timezone.now() - timedelta(minutes=10)
    )
    html = signed_in(world.admin).get("/jobs/").content.decode()
    assert "None running" in html
    assert "Start one with <code>leora worker</code>" in html
    assert "`" not in html


def test_a_zero_failed_count_is_not_shown_in_alarm_colour(world: World) -> None:
    html = signed_in(world.admin).get("/jobs/counts/").content.decode()
    assert "job-count-failed" in html and "job-count-alarm" not in html


def test_failed_jobs_are_counted_in_alarm_colour(world: World, failed_job: Job) -> None:
    html = signed_in(world.admin).get("/jobs/counts/").content.decode()
    assert "job-count-failed job-count-alarm" in html


def test_admins_see_the_latest_run_of_each_system_job(world: World) -> None:
    done = job_enqueue(job_type="recover_leases")
    Job.objects.filter(pk=done.pk).update(status=JobStatus.COMPLETED, finished_at=timezone.now())
    job_enqueue(job_type="cleanup")
    response = signed_in(world.admin).get("/jobs/")
    assert [(job.type, job.status) for job in response.context["system_jobs"]] == [
        ("cleanup", "pending"),
        ("recover_leases", "completed"),
    ]
    html = response.content.decode()
    assert "Queue upkeep" in html and "recover_leases" in html
    # the system jobs themselves stay the staff's: no link to a page that would answer 404
    assert f"/jobs/{done.pk}/" not in html
    assert signed_in(world.admin).get(f"/jobs/{done.pk}/").status_code == 404


def test_staff_open_the_system_jobs_from_the_upkeep_card(world: World) -> None:
    done = job_enqueue(job_type="recover_leases")
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    html = signed_in(world.admin).get("/jobs/queue/").content.decode()
    assert f'href="/jobs/{done.pk}/"' in html


def test_the_queue_fragment_polls_itself_and_is_for_admins_only(world: World) -> None:
    html = signed_in(world.admin).get("/jobs/queue/").content.decode()
    assert html.startswith('<div class="grid grid-2 job-queue" id="job-queue"')
    assert 'hx-trigger="every 10s"' in html
    assert signed_in(world.manager).get("/jobs/queue/").status_code == 403


def test_a_failed_attempt_shows_its_time_as_a_date_not_iso_text(world: World, failed_job: Job) -> None:
    html = signed_in(world.admin).get(f"/jobs/{failed_job.pk}/").content.decode()
    at = Job.objects.get(pk=failed_job.pk).errors[0]["at"]
    assert at not in html
    local = timezone.localtime(datetime.fromisoformat(at), world.acme.tzinfo)
    assert f"{local.day} {local:%b}, {local:%H:%M}" in html
