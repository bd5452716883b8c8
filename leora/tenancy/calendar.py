"""The tenant's clock: today and this week where the tenant is.

Due dates, order dates, quotas and "this week" are calendar days in the tenant's time zone, never the
server's; weeks start on Monday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from leora.tenancy.models import Tenant


def tenant_today(tenant: Tenant, now: datetime | None = None) -> date:
    """Return today's date in ``tenant``'s time zone (at ``now`` when given)."""
    return timezone.localtime(now or timezone.now(), tenant.tzinfo).date()


def week_start(day: date) -> date:
    """Return the Monday of the week ``day`` falls in."""
    return day - timedelta(days=day.weekday())


def week_bounds(tenant: Tenant, now: datetime | None = None) -> tuple[date, date]:
    """Return (Monday, Sunday) of the current week in ``tenant``'s time zone."""
    monday = week_start(tenant_today(tenant, now))
    return monday, monday + timedelta(days=6)


def tenant_midnight(tenant: Tenant, day: date) -> datetime:
    """Return the first moment of ``day`` in ``tenant``'s time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), tenant.tzinfo)
