"""Business events (customer.created, order.created, ...): one signal any app may send and any app may hear.

It lives at the project level, importing no app, so crm, metrics and jobs can announce what happened
without importing the apps that react (webhooks today). Events are sent when the writer's transaction
commits, so a rolled-back change announces nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

EVENTS = (
    "customer.created",
    "customer.updated",
    "order.created",
    "task.assigned",
    "metric.updated",
    "job.failed",
    "extraction.completed",
    "import.completed",
)

# Sent with keyword arguments tenant_id (int), event (one of EVENTS) and data (a JSON-serialisable dict).
business_event = Signal()


def event_emit(*, tenant_id: int, event: str, data: dict[str, Any]) -> None:
    """Announce ``event`` for ``tenant_id`` once the current transaction commits (at once outside one)."""
    if event not in EVENTS:
        raise ValueError(f"unknown business event {event!r}")
    transaction.on_commit(
        lambda: business_event.send(sender=None, tenant_id=tenant_id, event=event, data=data)
    )
