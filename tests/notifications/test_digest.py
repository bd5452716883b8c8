"""The daily digest job, run for real: who gets it and when, what it says, and that it is sent once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leora.jobs.models import Job, JobStatus
from leora.jobs.processing import process_jobs
from leora.jobs.schedule import schedule_tick
from leora.notifications.digest import DIGEST_KIND, digest_build
from leora.notifications.models import Digest, Notification
from leora.notifications.services import notification_preference_update
from leora.tenancy.calendar import tenant_midnight
from leora.tenancy.models import Role
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World
from tests.notifications.digest_helpers import (
    DAY,
    SEVEN_IN_LA,
    Book,
    FlakyBackend,
    at_utc,
    emails_to,
    make_book,
    result_of,
    run_digest,
    weekly_buyer,
)
from tests.notifications.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_schedule(settings: Any) -> None:
    # process_jobs ticks the schedule at the real time; the tests choose their own moments.
    settings.JOB_SCHEDULE = []
    settings.LEORA_BASE_URL = "https://leora.example"


@pytest.fixture
def book(world: World) -> Book:
    return make_book(world)


def digests_of(user: Any) -> list[Digest]:
    with scopes_disabled():
        return list(Digest.objects.filter(user=user).order_by("day"))


def digest_notes(user: Any) -> list[Notification]:
    with scopes_disabled():
        return list(Notification.objects.filter(user=user, kind=DIGEST_KIND))


def prefer(world: World, user: Any, **changes: Any) -> None:
    notification_preference_update(actor=factories.actor(world.acme, user), **changes)


def test_the_digest_goes_out_at_the_persons_hour_in_the_tenants_timezone(world: World, book: Book) -> None:
    job = run_digest(world.acme, SEVEN_IN_LA)

    assert job.status == JobStatus.COMPLETED, job.last_error
    [email] = emails_to(world.rep1)
    assert email.subject == "Acme Wines: your day, Mon 2 Mar"


def test_no_digest_goes_out_at_another_hour(world: World, book: Book) -> None:
    run_digest(world.acme, at_utc(16))  # 08:00 in Los Angeles

    assert emails_to(world.rep1) == []
    assert digests_of(world.rep1) == []


def test_a_chosen_hour_replaces_seven(world: World, book: Book) -> None:
    prefer(world, world.rep1, digest_hour=9)

    run_digest(world.acme, SEVEN_IN_LA)
    assert emails_to(world.rep1) == []
    run_digest(world.acme, at_utc(17))  # 09:00 in Los Angeles
    assert len(emails_to(world.rep1)) == 1


def test_nothing_to_say_sends_nothing_but_remembers_the_day(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)

    assert emails_to(world.rep3) == []
    assert digest_notes(world.rep3) == []
    [digest] = digests_of(world.rep3)
    assert digest.sent_at is None


def test_a_person_who_turned_the_digest_off_gets_none(world: World, book: Book) -> None:
    prefer(world, world.rep1, digest_enabled=False)

    run_digest(world.acme, SEVEN_IN_LA)

    assert emails_to(world.rep1) == []
    assert digest_notes(world.rep1) == []


def test_running_the_job_twice_sends_once(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)
    again = run_digest(world.acme, SEVEN_IN_LA + timedelta(minutes=20))

    assert len(emails_to(world.rep1)) == 1
    assert len(digest_notes(world.rep1)) == 1
    assert result_of(again)["sent"] == 0
    assert result_of(again)["already_done"] == result_of(again)["people"] > 0


def test_the_email_names_the_at_risk_and_due_accounts_tasks_and_events(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)

    [email] = emails_to(world.rep1)
    text = email.body
    assert f"NEWLY AT RISK (1)\n- Corner Bistro: https://leora.example/customers/{book.at_risk.pk}/" in text
    assert "NEWLY DUE TO ORDER (1)\n- Harbour Wines" in text
    assert "- Chase the unpaid invoice (Corner Bistro), due 28 Feb" in text
    assert "TASKS DUE TODAY (1)\n- Send the spring price list" in text
    assert "- 10:00\u201311:00 Tasting at Corner Bistro (Corner Bistro), 12 Dock Street" in text
    for absent in ("Tomorrow's job", "Already done", "Next week", "Rep two's call"):
        assert absent not in text


def test_the_email_has_an_html_part_with_absolute_links(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)

    [email] = emails_to(world.rep1)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "Acme Wines" in html
    assert f'href="https://leora.example/customers/{book.at_risk.pk}/"' in html
    assert 'href="https://leora.example/tasks/?overdue=1"' in html


def test_a_rep_never_sees_another_reps_account(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)

    assert "Rival Bar" not in emails_to(world.rep1)[0].body
    assert "Rival Bar" in emails_to(world.rep2)[0].body
    # Their manager's digest covers the team.
    manager_text = emails_to(world.manager)[0].body
    assert "Corner Bistro" in manager_text and "Rival Bar" in manager_text


def test_an_account_still_at_risk_the_next_day_is_not_named_again(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)
    run_digest(world.acme, SEVEN_IN_LA + timedelta(days=1), date=(DAY + timedelta(days=1)).isoformat())

    first, second = emails_to(world.rep1)
    assert "Corner Bistro:" in first.body
    assert "NEWLY AT RISK" not in second.body
    assert "OVERDUE TASKS (2)" in second.body  # the tasks are still to do, so they are said again
    [_, remembered] = digests_of(world.rep1)
    assert remembered.at_risk_ids == [book.at_risk.pk]


def test_a_tenant_far_east_gets_its_digest_on_its_own_day(world: World) -> None:
    # 18:05 UTC on Monday is 07:05 on Tuesday in Auckland (UTC+13 in March).
    far = factories.make_tenant("far", name="Far Cellars", timezone="Pacific/Auckland")
    rep = factories.make_user(far, "rep@far.test", Role.SALES_REP)
    tuesday = DAY + timedelta(days=1)
    with scopes_disabled():
        factories.make_task(far, rep, title="Tuesday's visit", due_date=tuesday)
        factories.make_task(far, rep, title="Monday's visit", due_date=DAY)

    run_digest(far, at_utc(18))

    [email] = emails_to(rep)
    assert email.subject == "Far Cellars: your day, Tue 3 Mar"
    assert "TASKS DUE TODAY (1)\n- Tuesday's visit" in email.body
    assert "OVERDUE TASKS (1)\n- Monday's visit" in email.body
    assert emails_to(world.rep1) == []


def test_the_digest_is_also_one_notification_opening_the_digest_page(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)

    [note] = digest_notes(world.rep1)
    assert note.title == "Your day, Mon 2 Mar"
    assert note.body == (
        "1 account newly at risk · 1 account due to order · 1 overdue task · 1 task due today · 1 event today"
    )
    page = signed_in(world.rep1).get(note.url)
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("Corner Bistro", "Harbour Wines", "Send the spring price list", "Tasting at Corner Bistro"):
        assert shown in html
    assert "Rival Bar" not in html


def test_someone_elses_digest_page_is_not_found(world: World, book: Book) -> None:
    run_digest(world.acme, SEVEN_IN_LA)
    [note] = digest_notes(world.rep1)

    assert signed_in(world.rep2).get(note.url).status_code == 404
    assert signed_in(world.admin).get(note.url).status_code == 404
    assert signed_in(world.other_rep).get(note.url).status_code == 404


def test_a_failed_send_is_retried_for_that_person_alone(world: World, book: Book, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.digest_helpers.FlakyBackend"
    FlakyBackend.failures_left = 1  # the first send fails: the manager's, the first of the tenant

    failed = run_digest(world.acme, SEVEN_IN_LA)
    assert failed.status == JobStatus.PENDING  # waiting for its retry
    assert "1 of 5 digests could not be sent" in failed.last_error
    assert "manager@acme.test: mail server refused the connection" in failed.last_error
    # The others were not held back; the manager has no row and no notification, so the retry sends.
    assert len(mail.outbox) == 3
    assert digests_of(world.manager) == [] and digest_notes(world.manager) == []

    Job.objects.filter(pk=failed.pk).update(run_after=timezone.now())
    process_jobs(max_jobs=5, types=["notification_digest"])

    failed.refresh_from_db()
    assert failed.status == JobStatus.COMPLETED, failed.last_error
    assert sorted(message.to[0] for message in mail.outbox) == [
        "admin@acme.test", "manager@acme.test", "rep1@acme.test", "rep2@acme.test",
    ]  # fmt: skip
    assert result_of(failed)["sent"] == 1
    assert len(digest_notes(world.manager)) == 1


def test_the_job_reports_progress_and_its_counts(world: World, book: Book) -> None:
    job = run_digest(world.acme, SEVEN_IN_LA)

    assert job.progress == 100
    assert job.progress_message.endswith("digests sent")
    assert result_of(job)["day"] == "2026-03-02"
    assert result_of(job)["hour"] == 7
    # admin, manager, rep1, rep2 have news; rep3 has nothing to say.
    assert (result_of(job)["sent"], result_of(job)["nothing_to_say"]) == (4, 1)


def test_another_tenants_digest_job_never_writes_to_this_tenant(world: World, book: Book) -> None:
    run_digest(world.other, at_utc(7))  # 07:00 in UTC, the other tenant's zone

    assert [m.to for m in mail.outbox if not m.to[0].endswith("@other.test")] == []
    assert digests_of(world.rep1) == []
    with scopes_disabled():
        assert set(Digest.objects.values_list("tenant_id", flat=True)) == {world.other.pk}


def test_the_schedule_runs_the_digest_every_hour_for_every_tenant(world: World, settings: Any) -> None:
    from leora import settings as project_settings

    entries = cast(list[dict[str, Any]], project_settings.JOB_SCHEDULE)
    settings.JOB_SCHEDULE = [e for e in entries if e["type"] == "notification_digest"]

    first = schedule_tick(now=at_utc(15))
    second = schedule_tick(now=at_utc(16))

    assert sorted(first) == [
        f"notification_digest:t{world.acme.pk}:2026-03-02T15:00Z",
        f"notification_digest:t{world.other.pk}:2026-03-02T15:00Z",
    ]
    assert len(second) == 2


def test_a_payload_hour_out_of_the_day_is_refused(world: World) -> None:
    from leora.errors import InvalidInput
    from leora.jobs.queue import job_enqueue

    with pytest.raises(InvalidInput):
        job_enqueue(job_type="notification_digest", tenant=world.acme, payload={"hour": 24})


def test_an_on_demand_run_serves_the_people_and_hour_it_names(world: World, book: Book) -> None:
    job = run_digest(world.acme, at_utc(20), hour=7, user_ids=[world.rep1.pk, world.other_rep.pk])

    assert [message.to for message in mail.outbox] == [[world.rep1.email]]
    assert result_of(job)["people"] == 1


def test_a_digest_reads_the_same_number_of_queries_however_long_it_is(world: World, book: Book) -> None:
    rep1 = factories.actor(world.acme, world.rep1)
    with CaptureQueriesContext(connection) as short:
        digest_build(actor=rep1, day=DAY, previous=None)
    with scopes_disabled():
        for n in range(4):
            weekly_buyer(world.acme, world.rep1, f"Late buyer {n}", 12)
            factories.make_task(
                world.acme, world.rep1, title=f"Old task {n}", due_date=DAY - timedelta(days=3)
            )
            factories.make_event(
                world.acme, world.rep1, starts_at=tenant_midnight(world.acme, DAY) + timedelta(hours=12 + n)
            )

    with CaptureQueriesContext(connection) as long:
        content = digest_build(actor=rep1, day=DAY, previous=None)

    assert content.items["at_risk"]["total"] == 5
    assert content.items["events"]["total"] == 5
    assert len(long) == len(short)
