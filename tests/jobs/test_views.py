from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from leora.jobs.models import Job, JobStatus
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
    with django_assert_num_queries(6):
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
