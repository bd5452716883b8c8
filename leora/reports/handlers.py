"""report_generation: build a report file (CSV, XLSX or PDF) for download.

The payload schema is final; the handler arrives with the job-handlers work.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from leora.jobs.handlers._pending import not_implemented
from leora.jobs.registry import Payload, register


class ReportGenerationPayload(Payload):
    report: str = Field(..., min_length=1, max_length=64, description="report code, e.g. sales_by_rep")
    format: Literal["csv", "xlsx", "pdf"] = "csv"
    params: dict[str, Any] = Field(default_factory=dict)
    requested_by_id: int | None = Field(None, ge=1)


register(
    "report_generation", schema=ReportGenerationPayload, priority=0, max_attempts=3, timeout_seconds=900,
    description="Builds a downloadable report.",
)(not_implemented)  # fmt: skip
