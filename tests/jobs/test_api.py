from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from leora.jobs.models import Job, JobStatus, WorkerHeartbeat
from leora.jobs.queue import job_claim, job_enqueue, job_fail
from leora.tenancy.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db

KEY = "processor-key-for-tests-0123456789"


@pytest.fixture(autouse=True)
def no_schedule(settings: Any) -> None:
    settings.JOB_SCHEDULE = []


@pytest.fixture
def processor_key(settings: Any) -> str:
    settings.JOB_PROCESSOR_API_KEY = KEY
    return KEY


@pytest.fixture
def jobs(world: World) -> dict[str, Job]:
    return {
        "acme": job_enqueue(job_type="noop", tenant=world.acme, created_by=world.admin),
        "rep1": job_enqueue(job_type="noop", tenant=world.acme, created_by=world.rep1),
        "rep2": job_enqueue(job_type="noop", tenant=world.acme, created_by=world.rep2),
        "other": job_enqueue(job_type="noop", tenant=world.other, created_by=world.other_admin),
    }


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# ------------------------------------------------------------------------------------ processor key


def test_process_answers_503_when_no_key_is_configured(client: Any, settings: Any) -> None:
    settings.JOB_PROCESSOR_API_KEY = ""
    response = client.post("/api/jobs/process", headers=bearer("anything"))
    assert response.status_code == 503
    assert "JOB_PROCESSOR_API_KEY" in response.json()["detail"]


def test_process_answers_401_without_a_key(client: Any, processor_key: str) -> None:
    assert client.post("/api/jobs/process").status_code == 401


def test_process_answers_401_with_a_wrong_key(client: Any, processor_key: str) -> None:
    assert client.post("/api/jobs/process", headers=bearer("wrong")).status_code == 401
    assert client.post("/api/jobs/process", headers={"X-API-Key": "wrong"}).status_code == 401


def test_a_users_api_token_is_not_a_processor_key(world: World, api_as: Any, processor_key: str) -> None:
    assert api_as(world.admin).post("/api/jobs/process").status_code == 401


def test_process_runs_ready_jobs_and_reports_them(client: Any, world: World, processor_key: str) -> None:
    done = job_enqueue(job_type="noop", tenant=world.acme)
    retried = job_enqueue(job_type="fail", tenant=world.acme)
    failed = job_enqueue(job_type="image_extraction", payload={"extraction_id": 999999}, tenant=world.acme)
    response = client.post("/api/jobs/process", headers=bearer(processor_key))
    assert response.status_code == 200
    body = response.json()
    assert (body["processed"], body["succeeded"], body["retried"], body["failed"]) == (3, 1, 1, 1)
    assert set(body["job_ids"]) == {str(done.pk), str(retried.pk), str(failed.pk)}
    assert Job.objects.get(pk=done.pk).status == JobStatus.COMPLETED


def test_process_counts_a_job_whose_lease_was_lost_as_lost(
    client: Any, world: World, processor_key: str, lease_loser: str
) -> None:
    job_enqueue(job_type="noop", tenant=world.acme, priority=1)
    job_enqueue(job_type=lease_loser, tenant=world.acme)
    body = client.post("/api/jobs/process", headers=bearer(processor_key)).json()
    assert (body["processed"], body["succeeded"], body["lost"]) == (2, 1, 1)


def test_process_accepts_the_key_as_x_api_key(client: Any, world: World, processor_key: str) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    response = client.post("/api/jobs/process", headers={"X-API-Key": processor_key})
    assert response.json()["succeeded"] == 1


def test_the_configured_key_may_be_a_sha256_digest(client: Any, settings: Any) -> None:
    settings.JOB_PROCESSOR_API_KEY = "sha256:" + hashlib.sha256(b"s3cret-key").hexdigest()
    assert client.post("/api/jobs/process", headers=bearer("s3cret-key")).status_code == 200
    assert client.post("/api/jobs/process", headers=bearer("sha256:" + "0" * 64)).status_code == 401


def test_process_stops_at_max_jobs(client: Any, world: World, processor_key: str) -> None:
    for _ in range(4):
        job_enqueue(job_type="noop", tenant=world.acme)
    body = client.post("/api/jobs/process?max_jobs=3", headers=bearer(processor_key)).json()
    assert body["processed"] == 3
    assert Job.objects.filter(status=JobStatus.PENDING).count() == 1


def test_process_refuses_more_than_100_jobs_a_call(client: Any, processor_key: str) -> None:
    response = client.post("/api/jobs/process?max_jobs=101", headers=bearer(processor_key))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "max_jobs"


def test_process_recovers_expired_leases_first(client: Any, world: World, processor_key: str) -> None:
    earlier = timezone.now() - timedelta(minutes=5)
    job_enqueue(job_type="noop", tenant=world.acme, now=earlier)
    assert job_claim(worker_id="dead", lease_seconds=1, now=earlier)
    body = client.post("/api/jobs/process", headers=bearer(processor_key)).json()
    assert (body["recovered"], body["succeeded"]) == (1, 1)


def test_queue_status_needs_the_key(client: Any, processor_key: str) -> None:
    assert client.get("/api/jobs/process").status_code == 401


def test_queue_status_counts_by_status_and_type(client: Any, world: World, processor_key: str) -> None:
    job_enqueue(job_type="noop", tenant=world.acme)
    job_enqueue(job_type="sleep", tenant=world.other, run_after=timezone.now() - timedelta(minutes=2))
    WorkerHeartbeat.objects.create(worker_id="host:1:abc", hostname="host", pid=1)
    body = client.get("/api/jobs/process", headers=bearer(processor_key)).json()
    assert body["by_status"]["pending"] == 2
    assert body["by_type"] == {"noop": {"pending": 1}, "sleep": {"pending": 1}}
    assert body["oldest_pending_age_seconds"] >= 120
    assert [w["worker_id"] for w in body["workers"]] == ["host:1:abc"]
    assert body["completed_last_hour"] == 0


# -------------------------------------------------------------------------------------- job reads


def test_an_admin_gets_a_job_of_their_tenant(world: World, jobs: Any, api_as: Any) -> None:
    body = api_as(world.admin).get(f"/api/jobs/{jobs['rep1'].pk}").json()
    assert (body["id"], body["status"], body["attempts"], body["errors"]) == (
        str(jobs["rep1"].pk),
        "pending",
        0,
        [],
    )


def test_another_tenants_job_answers_404_on_every_endpoint(world: World, jobs: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    other = jobs["other"].pk
    assert admin.get(f"/api/jobs/{other}").status_code == 404
    assert admin.post(f"/api/jobs/{other}/cancel").status_code == 404
    assert admin.post(f"/api/jobs/{other}/retry").status_code == 404
    assert Job.objects.get(pk=other).status == JobStatus.PENDING


def test_a_rep_gets_their_own_job_but_not_another_reps(world: World, jobs: Any, api_as: Any) -> None:
    rep = api_as(world.rep1)
    assert rep.get(f"/api/jobs/{jobs['rep1'].pk}").status_code == 200
    assert rep.get(f"/api/jobs/{jobs['rep2'].pk}").status_code == 404


def test_a_job_shows_its_errors_and_progress(world: World, api_as: Any) -> None:
    job = job_enqueue(job_type="fail", tenant=world.acme)
    [claimed] = job_claim(worker_id="w1")
    job_fail(job=claimed, worker_id="w1", exc=ValueError("bad row 7"))
    body = api_as(world.admin).get(f"/api/jobs/{job.pk}").json()
    assert body["last_error"] == "ValueError: bad row 7"
    assert [(e["attempt"], e["type"], e["message"]) for e in body["errors"]] == [
        (1, "ValueError", "bad row 7")
    ]


def test_the_list_shows_only_the_admins_tenant(world: World, jobs: Any, api_as: Any) -> None:
    body = api_as(world.admin).get("/api/jobs").json()
    assert body["total"] == 3
    assert str(jobs["other"].pk) not in {item["id"] for item in body["items"]}


def test_the_list_is_for_admins_only(world: World, jobs: Any, api_as: Any) -> None:
    assert api_as(world.rep1).get("/api/jobs").status_code == 403
    assert api_as(world.manager).get("/api/jobs").status_code == 403


def test_the_list_filters_by_status_type_and_date(world: World, jobs: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    sleeper = job_enqueue(job_type="sleep", tenant=world.acme)
    assert [i["id"] for i in admin.get("/api/jobs", type="sleep").json()["items"]] == [str(sleeper.pk)]
    assert admin.get("/api/jobs", status="failed").json()["total"] == 0
    today = timezone.now().date()
    assert admin.get("/api/jobs", created_from=str(today)).json()["total"] == 4
    assert admin.get("/api/jobs", created_to=str(today - timedelta(days=1))).json()["total"] == 0


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(12):
        job_enqueue(job_type="noop", tenant=world.acme, created_by=world.admin)
    admin = api_as(world.admin)
    with django_assert_num_queries(5):
        body = admin.get("/api/jobs", page=2, page_size=5).json()
    assert (body["total"], len(body["items"]), body["page"]) == (12, 5, 2)


def test_reading_jobs_needs_authentication(client: Any, jobs: Any) -> None:
    assert client.get(f"/api/jobs/{jobs['acme'].pk}").status_code == 401
    assert client.get("/api/jobs").status_code == 401


# ------------------------------------------------------------------------------------- job writes


def test_an_admin_enqueues_a_job_with_a_validated_payload(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/jobs", {"type": "sleep", "payload": {"seconds": 0.5}, "priority": 7}
    )
    assert response.status_code == 201
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.tenant_id, job.created_by_id, job.priority) == (world.acme.pk, world.admin.pk, 7)
    assert job.payload == {"seconds": 0.5, "steps": 10}
    assert (
        AuditEvent.objects.for_tenant(world.acme).filter(action="job.create", object_id=str(job.pk)).exists()
    )


def test_an_unknown_type_answers_422_and_enqueues_nothing(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/jobs", {"type": "make_coffee", "payload": {}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "type"
    assert not Job.objects.exists()


def test_a_bad_payload_answers_422_naming_the_field_and_enqueues_nothing(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/jobs", {"type": "sleep", "payload": {"seconds": "soon"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "payload.seconds"
    assert not Job.objects.exists()


def test_a_business_type_payload_is_validated_too(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/jobs", {"type": "webhook_dispatch", "payload": {"delivery_id": "not a number"}}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"payload.delivery_id"}
    assert not Job.objects.exists()


def test_run_after_defers_the_job(world: World, api_as: Any) -> None:
    later = timezone.now() + timedelta(hours=1)
    response = api_as(world.admin).post("/api/jobs", {"type": "noop", "run_after": later.isoformat()})
    assert Job.objects.get(pk=response.json()["id"]).run_after == later
    assert job_claim(worker_id="w1") == []


def test_a_system_type_is_refused_for_a_non_staff_admin(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/jobs", {"type": "cleanup"})
    assert response.status_code == 422
    assert not Job.objects.exists()


def test_only_admins_enqueue_cancel_and_retry(world: World, jobs: Any, api_as: Any) -> None:
    rep = api_as(world.rep1)
    assert rep.post("/api/jobs", {"type": "noop"}).status_code == 403
    assert rep.post(f"/api/jobs/{jobs['rep1'].pk}/cancel").status_code == 403
    assert rep.post(f"/api/jobs/{jobs['rep1'].pk}/retry").status_code == 403
    assert Job.objects.get(pk=jobs["rep1"].pk).status == JobStatus.PENDING


def test_an_admin_cancels_a_pending_job(world: World, jobs: Any, api_as: Any) -> None:
    body = api_as(world.admin).post(f"/api/jobs/{jobs['acme'].pk}/cancel").json()
    assert body["status"] == "cancelled"


def test_cancelling_a_finished_job_answers_409(world: World, jobs: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    admin.post(f"/api/jobs/{jobs['acme'].pk}/cancel")
    assert admin.post(f"/api/jobs/{jobs['acme'].pk}/cancel").status_code == 409


def test_an_admin_retries_a_cancelled_job(world: World, jobs: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    admin.post(f"/api/jobs/{jobs['acme'].pk}/cancel")
    body = admin.post(f"/api/jobs/{jobs['acme'].pk}/retry").json()
    assert (body["status"], body["attempts"]) == ("pending", 0)


def test_retrying_a_pending_job_answers_409(world: World, jobs: Any, api_as: Any) -> None:
    assert api_as(world.admin).post(f"/api/jobs/{jobs['acme'].pk}/retry").status_code == 409
