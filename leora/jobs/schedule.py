"""The periodic schedule: cron expressions from JOB_SCHEDULE turned into jobs, each slot exactly once.

Every worker ticks the schedule (and so does ``POST /api/jobs/process``). A slot is claimed by
inserting its key into ScheduleRun in the same transaction as its job: the unique key means that of
several workers ticking at once, exactly one enqueues the slot, and a slot whose job already finished
is never enqueued again. Slots older than JOB_SCHEDULE_CATCH_UP_SECONDS are skipped, so a worker
started after a long outage does not replay them.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from leora.jobs.conf import job_setting
from leora.jobs.handlers._pending import not_implemented
from leora.jobs.models import ScheduleRun
from leora.jobs.queue import job_enqueue
from leora.jobs.registry import get_type
from leora.tenancy.models import Tenant

log = logging.getLogger("leora.jobs.schedule")


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    cron: str
    type: str
    per_tenant: bool = False
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> ScheduleEntry:
        entry = cls(
            name=raw["name"],
            cron=raw["cron"],
            type=raw.get("type", raw["name"]),
            per_tenant=bool(raw.get("per_tenant", False)),
            payload=dict(raw.get("payload", {})),
        )
        if not croniter.is_valid(entry.cron):
            raise ValueError(
                f"JOB_SCHEDULE entry {entry.name!r} has an invalid cron expression {entry.cron!r}"
            )
        return entry


def schedule_entries() -> list[ScheduleEntry]:
    """Return the configured schedule."""
    return [ScheduleEntry.parse(raw) for raw in job_setting("JOB_SCHEDULE")]


def latest_slot(cron: str, now: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """Return the most recent time at or before ``now`` matching ``cron`` read in ``tz`` (in UTC)."""
    local = now.astimezone(tz)
    # croniter's get_prev is strictly before its start; a second later makes "exactly now" count.
    slot: datetime = croniter(cron, local + timedelta(seconds=1)).get_prev(datetime)
    return slot.astimezone(UTC)


def _slot_key(entry: ScheduleEntry, slot: datetime, tenant: Tenant | None) -> str:
    owner = f"t{tenant.pk}" if tenant is not None else "system"
    return f"{entry.name}:{owner}:{slot:%Y-%m-%dT%H:%MZ}"


def schedule_tick(*, now: datetime | None = None) -> list[str]:
    """Enqueue every due slot not enqueued yet; return the keys of the slots this call enqueued."""
    now = now or timezone.now()
    catch_up = timedelta(seconds=job_setting("JOB_SCHEDULE_CATCH_UP_SECONDS"))
    server_tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    due: list[tuple[ScheduleEntry, datetime, Tenant | None, str]] = []
    tenants: list[Tenant] | None = None
    for entry in schedule_entries():
        if not _has_real_handler(entry.type):
            continue
        if entry.per_tenant:
            if tenants is None:
                tenants = list(Tenant.objects.only("pk", "timezone", "name").order_by("pk"))
            owners: list[Tenant | None] = list(tenants)
        else:
            owners = [None]
        for tenant in owners:
            slot = latest_slot(entry.cron, now, tenant.tzinfo if tenant is not None else server_tz)
            if now - slot <= catch_up:
                due.append((entry, slot, tenant, _slot_key(entry, slot, tenant)))
    if not due:
        return []
    done = set(ScheduleRun.objects.filter(key__in=[key for *_, key in due]).values_list("key", flat=True))
    enqueued = []
    for entry, slot, tenant, key in due:
        if key not in done and _enqueue_slot(entry, slot, tenant, key, now):
            enqueued.append(key)
    return enqueued


def _has_real_handler(job_type: str) -> bool:
    # A type still on the placeholder handler would only fail at every slot (and email the admins
    # about it); its schedule starts by itself once the real handler is registered.
    registered = get_type(job_type)
    return registered is not None and registered.handler is not not_implemented


def _enqueue_slot(
    entry: ScheduleEntry, slot: datetime, tenant: Tenant | None, key: str, now: datetime
) -> bool:
    try:
        with transaction.atomic():
            run = ScheduleRun.objects.create(key=key, schedule=entry.name, slot_at=slot, tenant=tenant)
            run.job = job_enqueue(
                job_type=entry.type, payload=entry.payload, tenant=tenant, idempotency_key=key, now=now
            )
            run.save(update_fields=["job"])
    except IntegrityError:
        # Another worker enqueued this slot first.
        return False
    log.info("event=schedule.enqueued slot=%s job=%s", key, run.job_id)
    return True
