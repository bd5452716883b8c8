"""Writes of the notifications app: in-app notifications and throttled alert emails."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from uuid import UUID

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from leora.errors import InvalidInput, NotFound
from leora.jobs.conf import job_setting
from leora.jobs.models import Job, JobStatus
from leora.notifications.models import EmailThrottle, Notification, NotificationPreference
from leora.notifications.selectors import notification_preference_get
from leora.tenancy.actors import Actor
from leora.tenancy.models import Membership, Role, Tenant, User

log = logging.getLogger("leora.notifications")


def notification_create(
    *, tenant: Tenant, user: User, kind: str, title: str, body: str = "", url: str = ""
) -> Notification:
    """Create one in-app notification for ``user`` in ``tenant``; return it."""
    return Notification.objects.create_for(
        tenant, user=user, kind=kind, title=title[:200], body=body, url=url[:300]
    )


def email_throttle_claim(
    *, tenant: Tenant, key: str, interval: timedelta, now: datetime | None = None
) -> bool:
    """Return True (and record the send) when no email with ``key`` went out within ``interval``.

    A conditional UPDATE decides, so two workers failing the same type at once send one email.
    """
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                EmailThrottle.objects.create_for(tenant, key=key, last_sent_at=now)
            return True
        except IntegrityError:
            pass
        return bool(
            EmailThrottle.objects.for_tenant(tenant)
            .filter(key=key)
            .filter(Q(last_sent_at__lte=now - interval))
            .update(last_sent_at=now)
        )


def _tenant_admins(tenant: Tenant) -> list[User]:
    return [
        m.user
        for m in Membership.objects.select_related("user")
        .filter(tenant=tenant, role=Role.ADMIN, user__is_active=True)
        .order_by("user_id")
    ]


def job_failure_notify(*, job_id: UUID, now: datetime | None = None) -> int:
    """Tell a tenant's admins that a job failed for good; return how many notifications were created.

    Every admin gets an in-app notification; one email goes to all of them, at most one per job type
    per tenant per hour (JOB_FAILURE_EMAIL_INTERVAL_SECONDS).
    """
    job = Job.objects.select_related("tenant").filter(pk=job_id, status=JobStatus.FAILED).first()
    if job is None or job.tenant is None:
        return 0
    tenant = job.tenant
    admins = _tenant_admins(tenant)
    title = f"Job {job.type} failed after {job.attempts} attempt(s)"
    body = job.last_error[:1000]
    url = reverse("job_detail", kwargs={"job_id": job.pk})
    with transaction.atomic():
        for admin in admins:
            notification_create(tenant=tenant, user=admin, kind="job_failed", title=title, body=body, url=url)
    interval = timedelta(seconds=job_setting("JOB_FAILURE_EMAIL_INTERVAL_SECONDS"))
    recipients = [admin.email for admin in admins if admin.email]
    if recipients and email_throttle_claim(
        tenant=tenant, key=f"job_failed:{job.type}", interval=interval, now=now
    ):
        send_mail(
            subject=f"[Leora] {title}",
            message=(
                f"The {job.type} job {job.pk} in {tenant.name} failed for good.\n\n"
                f"Last error: {job.last_error}\n\nDetails: {url}\n\n"
                "Further failures of this job type in the next hour are listed in the app only."
            ),
            from_email=None,
            recipient_list=recipients,
            fail_silently=False,
        )
        log.info("event=notification.email kind=job_failed tenant=%s type=%s", tenant.pk, job.type)
    return len(admins)


# Reading a notification changes no business data, so it writes no audit event.
@transaction.atomic
def notification_mark_read(
    *, actor: Actor, notification: Notification, now: datetime | None = None
) -> Notification:
    """Mark one of the actor's notifications read (keeping the first read time); return it."""
    if notification.user_id != actor.user.pk or notification.tenant_id != actor.tenant.pk:
        raise NotFound("notification not found")
    if notification.read_at is None:
        read_at = now or timezone.now()
        # Conditional, so a second tab opening the same notification keeps the first read time.
        Notification.objects.for_tenant(actor.tenant).filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=read_at
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Actor, now: datetime | None = None) -> int:
    """Mark every unread notification of the actor read; return how many changed."""
    return (
        Notification.objects.for_tenant(actor.tenant)
        .filter(user_id=actor.user.pk, read_at__isnull=True)
        .update(read_at=now or timezone.now())
    )


# Preferences are a person's own settings, not business data: no audit event.
@transaction.atomic
def notification_preference_update(
    *, actor: Actor, digest_enabled: bool | None = None, digest_hour: int | None = None
) -> NotificationPreference:
    """Change the actor's digest settings (None leaves a setting as it is); return the saved row.

    ``digest_hour`` is an hour of the day in the tenant's timezone, 0 to 23 (422 naming it otherwise).
    """
    if digest_hour is not None and not 0 <= digest_hour <= 23:
        raise InvalidInput.on("digest_hour", "Choose an hour from 0 to 23.")
    preference = notification_preference_get(actor=actor)
    if digest_enabled is not None:
        preference.digest_enabled = digest_enabled
    if digest_hour is not None:
        preference.digest_hour = digest_hour
    preference.updated_at = timezone.now()
    if preference.pk is None:
        # Two first saves at once: the unique (tenant, user) lets one insert; the other updates it.
        NotificationPreference.objects.for_tenant(actor.tenant).update_or_create(
            tenant=actor.tenant,
            user=actor.user,
            defaults={
                "digest_enabled": preference.digest_enabled,
                "digest_hour": preference.digest_hour,
                "updated_at": preference.updated_at,
            },
        )
        return notification_preference_get(actor=actor)
    preference.save(update_fields=["digest_enabled", "digest_hour", "updated_at"])
    return preference
