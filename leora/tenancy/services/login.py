"""Login throttling: failures are kept in the database so the limit holds across web processes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from leora.tenancy.models import LoginAttempt


def login_retry_after(*, email: str, ip_address: str) -> int | None:
    """Return the seconds until a login may be tried again for this email or address, or None when
    allowed."""
    window = timedelta(seconds=settings.LEORA_LOGIN_WINDOW_SECONDS)
    since = timezone.now() - window
    limit = settings.LEORA_LOGIN_MAX_FAILURES
    recent = LoginAttempt.objects.filter(attempted_at__gte=since)
    for condition in (Q(email=email.lower()), Q(ip_address=ip_address)):
        times = list(
            recent.filter(condition).order_by("-attempted_at").values_list("attempted_at", flat=True)
        )
        if len(times) >= limit:
            # Blocked until the oldest failure that still counts toward the limit leaves the window.
            unblock_at = times[limit - 1] + window
            return max(1, int((unblock_at - timezone.now()).total_seconds()) + 1)
    return None


def login_failure_record(*, email: str, ip_address: str) -> None:
    """Remember one failed sign-in for this email and address."""
    LoginAttempt.objects.create(email=email.lower()[:254], ip_address=ip_address)


def login_success_record(*, email: str) -> None:
    """Forget the failed sign-ins of this email once it signs in."""
    LoginAttempt.objects.filter(email=email.lower()).delete()
