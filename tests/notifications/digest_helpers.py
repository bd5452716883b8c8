"""A small book for digest tests: one rep's at-risk and due accounts, tasks and events, another rep's
at-risk account, all dated around one Monday; and running the digest job for real at a chosen moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from leora.crm.models import Customer, TaskStatus
from leora.jobs.models import Job
from leora.jobs.processing import process_jobs
from leora.jobs.queue import job_enqueue
from leora.tenancy.calendar import tenant_midnight
from leora.tenancy.models import Tenant, User
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World

# Monday 2 March 2026; acme is in Los Angeles, UTC-8 that week, so 07:00 there is 15:00 UTC.
DAY = date(2026, 3, 2)


def at_utc(hour: int, minute: int = 5, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


SEVEN_IN_LA = at_utc(15)


@dataclass
class Book:
    at_risk: Customer
    due: Customer
    rivals: Customer


def weekly_buyer(tenant: Tenant, rep: User, name: str, last_days_ago: int) -> Customer:
    customer = factories.make_customer(tenant, rep, name=name, account_type="ACTIVE")
    for week in range(4):  # three gaps: the fewest a usual interval is trusted with
        factories.make_order(customer, order_date=DAY - timedelta(days=last_days_ago + 7 * week))
    return customer


def make_book(world: World) -> Book:
    with scopes_disabled():
        book = Book(
            # 12 days since the last of weekly orders: 1.7 intervals late, at risk.
            at_risk=weekly_buyer(world.acme, world.rep1, "Corner Bistro", 12),
            # 3 days since: the next order is expected in 4 days, due to order.
            due=weekly_buyer(world.acme, world.rep1, "Harbour Wines", 3),
            rivals=weekly_buyer(world.acme, world.rep2, "Rival Bar", 12),
        )
        factories.make_task(
            world.acme, world.rep1, title="Chase the unpaid invoice", due_date=DAY - timedelta(days=2),
            customer=book.at_risk,
        )  # fmt: skip
        factories.make_task(world.acme, world.rep1, title="Send the spring price list", due_date=DAY)
        factories.make_task(world.acme, world.rep1, title="Tomorrow's job", due_date=DAY + timedelta(days=1))
        factories.make_task(
            world.acme, world.rep1, title="Already done", due_date=DAY - timedelta(days=1),
            status=TaskStatus.DONE,
        )  # fmt: skip
        factories.make_task(world.acme, world.rep2, title="Rep two's call", due_date=DAY)
        ten = tenant_midnight(world.acme, DAY) + timedelta(hours=10)
        factories.make_event(
            world.acme, world.rep1, title="Tasting at Corner Bistro", starts_at=ten,
            ends_at=ten + timedelta(hours=1), customer=book.at_risk, location="12 Dock Street",
        )  # fmt: skip
        factories.make_event(world.acme, world.rep1, title="Next week", starts_at=ten + timedelta(days=7))
    return book


def run_digest(tenant: Tenant, moment: datetime, **payload: Any) -> Job:
    """Enqueue the digest as the schedule would at ``moment`` and run it to its end (or its failure)."""
    job = job_enqueue(job_type="notification_digest", tenant=tenant, payload=payload, now=moment)
    process_jobs(max_jobs=5, types=["notification_digest"])
    job.refresh_from_db()
    return job


def result_of(job: Job) -> dict[str, Any]:
    assert isinstance(job.result, dict), job.last_error
    return job.result


def emails_to(user: User) -> list[Any]:
    return [message for message in mail.outbox if message.to == [user.email]]


class FlakyBackend(EmailBackend):
    """The in-memory backend failing its first send, as an SMTP server briefly down would."""

    failures_left = 0

    def send_messages(self, email_messages: Any) -> int:
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server refused the connection")
        return super().send_messages(email_messages)
