from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from leora.jobs.models import Job
from leora.jobs.queue import job_claim, job_enqueue, job_fail
from leora.notifications.models import Notification
from leora.notifications.services import job_failure_notify
from leora.tenancy.models import Role
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def fail_for_good(tenant: Any, job_type: str = "fail", retry: bool = False) -> Job:
    job_enqueue(job_type=job_type, tenant=tenant, payload={})
    [claimed] = job_claim(worker_id="w1")
    job_fail(job=claimed, worker_id="w1", exc=RuntimeError("disk full"), retry=retry)
    return claimed


def inbox(user: Any) -> list[Notification]:
    with scopes_disabled():
        return list(Notification.objects.filter(user=user))


def test_a_final_failure_notifies_every_admin_of_the_tenant_in_app(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    second_admin = make_user(world.acme, "admin2@acme.test", Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        job = fail_for_good(world.acme)
    for admin in (world.admin, second_admin):
        [note] = inbox(admin)
        assert note.title == "Job fail failed after 1 attempt(s)"
        assert note.url == f"/jobs/{job.pk}/"
        assert "disk full" in note.body
    assert inbox(world.rep1) == []
    assert inbox(world.other_admin) == []


def test_a_final_failure_emails_the_admins(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        fail_for_good(world.acme)
    [email] = mail.outbox
    assert email.to == ["admin@acme.test"]
    assert "fail" in email.subject
    assert "disk full" in email.body


def test_a_failure_that_will_be_retried_notifies_nobody(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        fail_for_good(world.acme, retry=True)
    assert inbox(world.admin) == []
    assert mail.outbox == []


def test_at_most_one_email_per_job_type_per_tenant_per_hour(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        fail_for_good(world.acme)
        fail_for_good(world.acme)
        # A second type whose payload is empty, so the test does not follow any business type's schema.
        fail_for_good(world.acme, job_type="noop")
        fail_for_good(world.other)
    assert len(inbox(world.admin)) == 3
    assert sorted((m.to[0], m.subject.split()[2]) for m in mail.outbox) == [
        ("admin@acme.test", "fail"),
        ("admin@acme.test", "noop"),
        ("admin@other.test", "fail"),
    ]


def test_the_email_goes_out_again_after_an_hour(world: World) -> None:
    job = fail_for_good(world.acme)
    now = timezone.now()
    job_failure_notify(job_id=job.pk, now=now)
    job_failure_notify(job_id=job.pk, now=now + timedelta(minutes=59))
    job_failure_notify(job_id=job.pk, now=now + timedelta(minutes=61))
    assert len(mail.outbox) == 2


def test_a_failed_system_job_notifies_no_tenant(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job_type="cleanup")
        [claimed] = job_claim(worker_id="w1")
        job_fail(job=claimed, worker_id="w1", exc=RuntimeError("x"), retry=False)
    with scopes_disabled():
        assert not Notification.objects.exists()
    assert mail.outbox == []
