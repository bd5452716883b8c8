"""System job types (no tenant): cleanup of old jobs and recovery of expired leases."""

from __future__ import annotations

from typing import Any

from leora.jobs.context import JobContext
from leora.jobs.queue import job_cleanup, job_recover
from leora.jobs.registry import Payload, register


class EmptyPayload(Payload):
    pass


@register("cleanup", schema=EmptyPayload, system=True, priority=-10, description="Deletes old finished jobs.")
def cleanup(ctx: JobContext, payload: EmptyPayload) -> dict[str, Any]:
    return {"deleted": job_cleanup()}


@register(
    "recover_leases",
    schema=EmptyPayload,
    system=True,
    priority=10,
    description="Requeues jobs of dead workers.",
)
def recover_leases(ctx: JobContext, payload: EmptyPayload) -> dict[str, Any]:
    requeued, failed = job_recover()
    return {"requeued": requeued, "failed": failed}
