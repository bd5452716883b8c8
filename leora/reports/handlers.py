"""report_generation: build a requested report's file (CSV, XLSX or PDF) and store it for download.

The job carries only the report's id; the request (type, dates, scope, requester) is the ``Report``
row. The handler rebuilds the requester's Actor from their membership as it is now, narrows it to the
rep asked for, and reads every figure through that scope. Safe to repeat: the file is written under
the report's own directory and moved into place, so a second run replaces the first.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from pydantic import Field

from leora.jobs.context import JobCancelled, JobContext, PermanentFailure
from leora.jobs.registry import Payload, register
from leora.reports.builders import BUILDERS, ReportRequest, ReportUnavailable
from leora.reports.models import Report, ReportStatus
from leora.reports.selectors import report_directory, scope_label
from leora.reports.writers import CONTENT_TYPES, WRITERS, Heading
from leora.tenancy.actors import Actor, actor_for
from leora.tenancy.models import Membership


class ReportGenerationPayload(Payload):
    report_id: int = Field(..., ge=1, description="the Report row to build (POST /api/reports creates it)")


def requester_actor(report: Report) -> Actor:
    """Return the scope the report is read with: the requester's Actor from their membership today,
    narrowed to the chosen rep. Raises PermanentFailure when that scope no longer exists."""
    membership = (
        Membership.objects.select_related("tenant", "user")
        .filter(tenant_id=report.tenant_id, user_id=report.requested_by_id)
        .first()
    )
    if membership is None or not membership.user.is_active:
        raise PermanentFailure("the person who asked for this report is no longer a member of the team")
    actor = actor_for(membership)
    if report.rep_id is not None:
        if not actor.can_see_user(report.rep_id):
            raise PermanentFailure("the rep this report is about is no longer in the requester's team")
        actor = actor.narrowed_to(report.rep_id)
    return actor


def file_name(report: Report) -> str:
    subject = report.customer.name if report.customer else report.type.replace("_", "-")
    base = slugify(f"{subject} {report.date_from:%Y-%m-%d} {report.date_to:%Y-%m-%d}") or "report"
    if report.customer:
        base = f"statement-{base}"
    return f"{base}.{report.format}"


def _store(report: Report, name: str, content: bytes) -> str:
    directory = report_directory(report)
    directory.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and moved into place: a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, directory / name)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return str((directory / name).relative_to(settings.MEDIA_ROOT))


def _mark(report: Report, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(report, name, value)
    Report.objects.for_tenant(report.tenant_id).filter(pk=report.pk).update(**fields)


@register(
    "report_generation", schema=ReportGenerationPayload, priority=0, max_attempts=3, timeout_seconds=900,
    description="Builds a downloadable report.",
)  # fmt: skip
def report_generation(ctx: JobContext, payload: ReportGenerationPayload) -> dict[str, Any]:
    """Build the report, reporting progress as it reads and writes; the result names the file."""
    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("report_generation needs a tenant")
    report = (
        Report.objects.for_tenant(tenant)
        .select_related("tenant", "requested_by", "scope_user", "customer")
        .filter(pk=payload.report_id)
        .first()
    )
    if report is None:
        raise PermanentFailure(f"report {payload.report_id} not found")
    _mark(report, status=ReportStatus.PROCESSING, started_at=timezone.now(), error="")
    ctx.progress(5, "reading the figures")
    try:
        actor = requester_actor(report)
        request = ReportRequest(
            actor=actor, date_from=report.date_from, date_to=report.date_to, customer_id=report.customer_id
        )
        data = BUILDERS[report.type](
            request, lambda percent, message: ctx.progress(5 + percent * 0.6, message)
        )
        ctx.progress(70, f"writing the {report.format.upper()} file")
        heading = Heading(
            tenant=tenant,
            title=data.title,
            date_from=report.date_from,
            date_to=report.date_to,
            scope=scope_label(report),
            requested_by=report.requested_by.display_name,
            generated_at=timezone.now(),
        )
        content = WRITERS[report.format](data, heading)
        ctx.check_cancel()
        name = file_name(report)
        path = _store(report, name, content)
    except ReportUnavailable as exc:
        _mark(report, status=ReportStatus.FAILED, error=str(exc), finished_at=timezone.now())
        raise PermanentFailure(str(exc)) from exc
    except PermanentFailure as exc:
        _mark(report, status=ReportStatus.FAILED, error=str(exc), finished_at=timezone.now())
        raise
    except JobCancelled:
        _mark(report, status=ReportStatus.FAILED, error="cancelled", finished_at=timezone.now())
        raise
    except Exception as exc:
        if ctx.attempt >= ctx.job.max_attempts:
            _mark(report, status=ReportStatus.FAILED, error=f"{exc}", finished_at=timezone.now())
        else:
            _mark(
                report,
                status=ReportStatus.PENDING,
                error=f"attempt {ctx.attempt} failed ({exc}); trying again",
            )
        raise
    _mark(
        report,
        status=ReportStatus.COMPLETED,
        file_path=path,
        file_name=name,
        content_type=CONTENT_TYPES[report.format],
        size=len(content),
        row_count=len(data.rows),
        finished_at=timezone.now(),
        error="",
    )
    ctx.progress(100, "ready")
    return {"report_id": report.pk, "file": name, "bytes": len(content), "rows": len(data.rows)}
