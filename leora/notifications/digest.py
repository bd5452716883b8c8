"""notification_digest: each person's daily digest, by email and in the app, at the hour they chose.

The schedule runs the job every hour for every tenant. A run sends the digest of the people whose
chosen hour (their NotificationPreference, 07:00 by default) it is in the tenant's timezone, for the
tenant's today. What a digest says:

- accounts that *became* at risk or due to order: members of the tenant's own ``at_risk_customer`` and
  ``due_to_order`` segments (through ``metric_customers`` with the person's scope, never thresholds of
  ours) that were not members at the person's previous digest. Every digest stores the ids it saw
  (``Digest.at_risk_ids`` / ``due_ids``), sent or not, so an account at risk for weeks is named once;
  the first digest names every member;
- the person's open tasks due today and overdue (crm ``task_list``);
- the person's calendar events of the day, in the tenant's timezone (crm ``event_list``).

With nothing to say there is no email and no notification (the ids are still stored). A ``Digest`` row
per (tenant, person, day) is written in the same transaction as the in-app notification and the email,
so a retried or doubled job never sends twice, and a failed send leaves no row: the retry sends it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pydantic import Field

from leora.crm.models import OPEN_TASK_STATUSES, Task
from leora.crm.selectors.events import event_list
from leora.crm.selectors.tasks import task_list
from leora.crm.visibility import visible_customers
from leora.errors import InvalidInput, NotFound
from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register
from leora.metrics.evaluation import metric_customers
from leora.notifications.models import DEFAULT_DIGEST_HOUR, Digest, NotificationPreference
from leora.notifications.services import notification_create
from leora.tenancy.actors import Actor, actor_for
from leora.tenancy.calendar import tenant_midnight
from leora.tenancy.models import Membership, Tenant
from leora.web.formatting import format_date

log = logging.getLogger("leora.notifications.digest")

DIGEST_KIND = "digest"
AT_RISK_METRIC = "at_risk_customer"
DUE_METRIC = "due_to_order"
# Each section names at most this many rows; the rest is a count and a link to the full list.
SECTION_LIMIT = 20
SECTIONS = ("at_risk", "due", "overdue_tasks", "today_tasks", "events")


class NotificationDigestPayload(Payload):
    date: dt.date | None = Field(
        None, description="the digest's day; the tenant's day at the moment the job was enqueued when unset"
    )
    hour: int | None = Field(
        None,
        ge=0,
        le=23,
        description="send to the people who chose this hour; the tenant's hour at the moment the job was "
        "enqueued when unset (the schedule's slot, kept by every retry)",
    )
    user_ids: list[int] | None = Field(None, max_length=10000, description="only these users")


@dataclass(frozen=True)
class DigestContent:
    """What one person's digest of one day says, and the segment members it saw."""

    at_risk_ids: list[int]
    due_ids: list[int]
    items: dict[str, Any]

    @property
    def has_news(self) -> bool:
        return any(self.items[section]["total"] for section in SECTIONS)


def _segment_ids(actor: Actor, code: str, day: dt.date) -> list[int] | None:
    try:
        members = metric_customers(actor.tenant, code, actor, today=day)
    except (NotFound, InvalidInput):
        # The admins removed the metric or made it a value metric: that section says nothing.
        return None
    return sorted(members.values_list("pk", flat=True))


def _accounts(actor: Actor, ids: list[int]) -> dict[str, Any]:
    named = visible_customers(actor).filter(pk__in=ids).order_by("name", "pk").values("pk", "name")
    return {
        "total": len(ids),
        "items": [{"id": row["pk"], "name": row["name"]} for row in named[:SECTION_LIMIT]],
    }


def _task_row(task: Task, day: dt.date) -> dict[str, Any]:
    assert task.due_date is not None
    return {
        "id": task.pk,
        "title": task.title,
        "priority": task.priority,
        "customer_id": task.customer_id,
        "customer_name": task.customer.name if task.customer is not None else "",
        "due": format_date(task.due_date, day),
        "days_overdue": (day - task.due_date).days,
    }


def _tasks(actor: Actor, day: dt.date, *, overdue: bool) -> dict[str, Any]:
    tasks = task_list(actor=actor, mine=True, statuses=tuple(OPEN_TASK_STATUSES))
    tasks = tasks.filter(due_date__lt=day) if overdue else tasks.filter(due_date=day)
    rows = list(tasks.order_by("due_date", "pk")[:SECTION_LIMIT])
    total = len(rows) if len(rows) < SECTION_LIMIT else tasks.count()
    return {"total": total, "items": [_task_row(task, day) for task in rows]}


def _events(actor: Actor, day: dt.date) -> dict[str, Any]:
    tz = actor.tenant.tzinfo
    events = event_list(
        actor=actor,
        user_id=actor.user.pk,
        starts_from=tenant_midnight(actor.tenant, day),
        starts_to=tenant_midnight(actor.tenant, day + dt.timedelta(days=1)),
    )
    rows = list(events.order_by("starts_at", "pk")[:SECTION_LIMIT])
    total = len(rows) if len(rows) < SECTION_LIMIT else events.count()
    items = [
        {
            "id": event.pk,
            "title": event.title,
            "time": f"{event.starts_at.astimezone(tz):%H:%M}\u2013{event.ends_at.astimezone(tz):%H:%M}",
            "location": event.location,
            "customer_id": event.customer_id,
            "customer_name": event.customer.name if event.customer is not None else "",
        }
        for event in rows
    ]
    return {"total": total, "items": items}


def digest_build(*, actor: Actor, day: dt.date, previous: Digest | None) -> DigestContent:
    """Return what ``actor``'s digest of ``day`` says, given their ``previous`` digest (None: the first)."""
    at_risk = _segment_ids(actor, AT_RISK_METRIC, day)
    due = _segment_ids(actor, DUE_METRIC, day)
    seen_at_risk = set(previous.at_risk_ids) if previous is not None else set()
    seen_due = set(previous.due_ids) if previous is not None else set()
    items = {
        "at_risk": _accounts(actor, [pk for pk in at_risk or [] if pk not in seen_at_risk]),
        "due": _accounts(actor, [pk for pk in due or [] if pk not in seen_due]),
        "overdue_tasks": _tasks(actor, day, overdue=True),
        "today_tasks": _tasks(actor, day, overdue=False),
        "events": _events(actor, day),
        "day_label": format_date(day, day, weekday=True),
    }
    return DigestContent(at_risk_ids=at_risk or [], due_ids=due or [], items=items)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def digest_summary(items: dict[str, Any]) -> str:
    """Return the digest in one line ("2 accounts newly at risk · 3 overdue tasks · 1 event today")."""
    parts = []
    if total := items["at_risk"]["total"]:
        parts.append(_plural(total, "account", "accounts") + " newly at risk")
    if total := items["due"]["total"]:
        parts.append(_plural(total, "account", "accounts") + " due to order")
    if total := items["overdue_tasks"]["total"]:
        parts.append(_plural(total, "overdue task", "overdue tasks"))
    if total := items["today_tasks"]["total"]:
        parts.append(_plural(total, "task", "tasks") + " due today")
    if total := items["events"]["total"]:
        parts.append(_plural(total, "event", "events") + " today")
    return " · ".join(parts) or "Nothing needs you today"


def digest_links(digest: Digest, *, base: str) -> dict[str, str]:
    """Return the links of a digest's "see all" actions, each starting with ``base`` ("" on a page)."""
    tasks = base + reverse("task_list")
    return {
        "digest": base + reverse("digest_detail", kwargs={"digest_id": digest.pk}),
        "tasks": tasks,
        "overdue": tasks + "?overdue=1",
        "calendar": base + reverse("calendar") + f"?week={digest.day.isoformat()}",
        "preferences": base + reverse("account") + "#notification-preferences",
    }


def _email(*, tenant: Tenant, actor: Actor, digest: Digest) -> EmailMultiAlternatives:
    base = settings.LEORA_BASE_URL
    items = digest.items
    context = {
        "tenant": tenant,
        "person": actor.user,
        "items": items,
        "summary": digest_summary(items),
        "base_url": base,
        "links": digest_links(digest, base=base),
    }
    email = EmailMultiAlternatives(
        subject=f"{tenant.name}: your day, {items['day_label']}",
        body=render_to_string("notifications/email/digest.txt", context),
        to=[actor.user.email],
    )
    email.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return email


def digest_send(*, tenant: Tenant, membership: Membership, day: dt.date) -> str:
    """Build and deliver one person's digest of ``day``; return "sent", "nothing" or "done" (already
    written by an earlier run)."""
    digests = Digest.objects.for_tenant(tenant).filter(user_id=membership.user_id)
    if digests.filter(day=day).exists():
        return "done"
    actor = actor_for(membership)
    previous = digests.filter(day__lt=day).order_by("-day").first()
    content = digest_build(actor=actor, day=day, previous=previous)
    try:
        # The row, the notification and the email stand or fall together: the unique day lets one
        # run in (a concurrent one waits on the insert, then fails it and skips), and a send that
        # raises rolls the row back so the retry sends again.
        with transaction.atomic():
            digest = Digest.objects.create_for(
                tenant,
                user=membership.user,
                day=day,
                at_risk_ids=content.at_risk_ids,
                due_ids=content.due_ids,
                items=content.items,
                sent_at=timezone.now() if content.has_news else None,
            )
            if not content.has_news:
                return "nothing"
            notification_create(
                tenant=tenant,
                user=membership.user,
                kind=DIGEST_KIND,
                title=f"Your day, {content.items['day_label']}",
                body=digest_summary(content.items),
                url=reverse("digest_detail", kwargs={"digest_id": digest.pk}),
            )
            _email(tenant=tenant, actor=actor, digest=digest).send(fail_silently=False)
    except IntegrityError:
        return "done"
    log.info("event=notification.digest tenant=%s user=%s day=%s", tenant.pk, membership.user_id, day)
    return "sent"


def digest_recipients(*, tenant: Tenant, hour: int, user_ids: list[int] | None = None) -> list[Membership]:
    """Return the memberships of the tenant's active people whose digest is on and set to ``hour``."""
    members = (
        Membership.objects.filter(tenant=tenant, user__is_active=True)
        .select_related("tenant", "user")
        .order_by("user_id")
    )
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
    preferences = NotificationPreference.objects.for_tenant(tenant)
    chosen = {p.user_id: p for p in preferences.filter(user_id__in=members.values("user_id"))}
    recipients = []
    for member in members:
        preference = chosen.get(member.user_id)
        enabled = preference.digest_enabled if preference is not None else True
        chosen_hour = preference.digest_hour if preference is not None else DEFAULT_DIGEST_HOUR
        if enabled and chosen_hour == hour:
            recipients.append(member)
    return recipients


@register(
    "notification_digest", schema=NotificationDigestPayload, priority=0, max_attempts=3, timeout_seconds=900,
    description="Sends the daily digest to the people whose hour it is.",
)  # fmt: skip
def notification_digest(ctx: JobContext, payload: NotificationDigestPayload) -> dict[str, Any]:
    """Send the digest of every recipient of this hour, one transaction each, reporting progress."""
    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("notification_digest needs a tenant")
    # The moment the job was enqueued, not now: a retry an hour later still serves the same slot.
    enqueued = timezone.localtime(ctx.job.created_at, tenant.tzinfo)
    day = payload.date or enqueued.date()
    hour = payload.hour if payload.hour is not None else enqueued.hour
    recipients = digest_recipients(tenant=tenant, hour=hour, user_ids=payload.user_ids)
    outcomes = {"sent": 0, "nothing": 0, "done": 0}
    failures: list[str] = []
    ctx.progress(0, f"{len(recipients):,} people at {hour:02d}:00")
    for done, membership in enumerate(recipients, start=1):
        try:
            outcomes[digest_send(tenant=tenant, membership=membership, day=day)] += 1
        except Exception as exc:
            # One refused address or a mail server hiccup must not hold back everyone after it; the
            # retry serves only the people left without their digest.
            log.warning(
                "event=notification.digest_failed tenant=%s user=%s error=%r",
                tenant.pk,
                membership.user_id,
                exc,
            )
            failures.append(f"{membership.user.email}: {exc}")
        ctx.progress(100 * done / len(recipients), f"{done:,} of {len(recipients):,} people")
    if failures:
        raise RuntimeError(
            f"{len(failures)} of {len(recipients)} digests could not be sent; first: {failures[0]}"
        )
    ctx.progress(100, f"{outcomes['sent']:,} digests sent")
    return {
        "day": day.isoformat(),
        "hour": hour,
        "people": len(recipients),
        "sent": outcomes["sent"],
        "nothing_to_say": outcomes["nothing"],
        "already_done": outcomes["done"],
    }
