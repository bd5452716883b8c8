"""Diagnostic job types for tests, benchmarks and checking a deployment: noop, sleep, fail."""

from __future__ import annotations

import time
from typing import Any

from pydantic import Field

from leora.jobs.context import JobContext
from leora.jobs.registry import Payload, register


class NoopPayload(Payload):
    note: str = Field("", max_length=200)


@register("noop", schema=NoopPayload, description="Does nothing; measures the queue's own overhead.")
def noop(ctx: JobContext, payload: NoopPayload) -> None:
    return None


class SleepPayload(Payload):
    seconds: float = Field(1.0, ge=0, le=3600)
    steps: int = Field(10, ge=1, le=1000, description="progress reports (and cancel checks) along the way")


@register("sleep", schema=SleepPayload, timeout_seconds=3900, description="Sleeps, reporting progress.")
def sleep(ctx: JobContext, payload: SleepPayload) -> dict[str, Any]:
    step = payload.seconds / payload.steps
    for done in range(1, payload.steps + 1):
        time.sleep(step)
        ctx.progress(100 * done / payload.steps, f"step {done} of {payload.steps}")
    return {"slept": payload.seconds}


class FailPayload(Payload):
    message: str = Field("failing on purpose", max_length=500)
    succeed_on_attempt: int | None = Field(
        None,
        ge=1,
        description="succeed from this attempt on (to exercise retries); fail every time when unset",
    )


class DiagnosticFailure(RuntimeError):
    """The error the ``fail`` job raises."""


@register("fail", schema=FailPayload, description="Raises an error (optionally only on the first attempts).")
def fail(ctx: JobContext, payload: FailPayload) -> dict[str, Any]:
    if payload.succeed_on_attempt is not None and ctx.attempt >= payload.succeed_on_attempt:
        return {"succeeded_on_attempt": ctx.attempt}
    raise DiagnosticFailure(payload.message)
