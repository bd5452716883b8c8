"""The reports API: request a report (202, built by a job), follow it, list them, download the file."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Status

from leora.errors import NotFound
from leora.pagination import ListParams, apply_ordering, page_of, paginate
from leora.reports.models import Report
from leora.reports.schemas import ReportFilters, ReportIn, ReportOut
from leora.reports.selectors import REPORT_ORDERING, report_file, report_get, report_list
from leora.reports.services import report_request
from leora.tenancy.auth import actor_of

router = Router()


def report_download_response(report: Report) -> FileResponse:
    """The report's file as an attachment with its content type; NotFound until it is ready."""
    path = report_file(report)
    if path is None:
        raise NotFound("the report's file is not ready")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=report.file_name, content_type=report.content_type
    )


@router.post("", response={202: ReportOut}, summary="Request a report (built in the background)")
def create_report(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")
    report, _ = report_request(
        actor=actor_of(request),
        type=payload.type,
        format=payload.format,
        date_from=payload.date_from,
        date_to=payload.date_to,
        rep_id=payload.rep_id,
        customer_id=payload.customer_id,
        idempotency_key=key,
    )
    return Status(202, report)


@router.get("", response=page_of(ReportOut), summary="List the reports you may download, newest first")
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    reports = report_list(actor=actor_of(request), type=filters.type, status=filters.status)
    ordering = filters.ordering or "-created_at"
    params = ListParams(page=filters.page, page_size=filters.page_size, search=None, ordering=None)
    return paginate(apply_ordering(reports, ordering, REPORT_ORDERING, "-created_at"), params)


@router.get("/{report_id}", response=ReportOut, summary="Get a report: its status, progress and file")
def get_report(request: HttpRequest, report_id: int) -> Any:
    return report_get(actor=actor_of(request), report_id=report_id)


@router.get("/{report_id}/download", response={200: None}, summary="Download a finished report's file")
def download_report(request: HttpRequest, report_id: int) -> FileResponse:
    return report_download_response(report_get(actor=actor_of(request), report_id=report_id))
