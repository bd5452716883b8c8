"""The placeholder handler of business job types whose real handler is not written yet."""

from __future__ import annotations

from typing import Any

from leora.jobs.context import JobContext, PermanentFailure


def not_implemented(ctx: JobContext, payload: Any) -> None:
    """Fail the job at once (no retries) saying plainly that the handler is missing."""
    raise PermanentFailure(f"handler not implemented yet for job type {ctx.job.type!r}")
