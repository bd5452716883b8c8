"""Reads of reports: who may see (and download) which, and where a report's file lives."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet

from leora.crm.visibility import get_visible
from leora.reports.models import Report, ReportType, ScopeKind
from leora.tenancy.actors import Actor

REPORT_ORDERING = {"created_at", "finished_at", "type", "format", "status", "date_from", "date_to"}


def visible_reports(actor: Actor) -> QuerySet[Report]:
    """Return the reports ``actor`` may see and download, scoped to the actor's tenant first.

    The requester always; an admin every report of the tenant; anyone else a report whose book they
    may see: a manager their own team's report and those on one of their reps, a rep those on their
    own book (a statement counts as its customer's rep's book).
    """
    reports = Report.objects.for_tenant(actor.tenant).select_related(
        "requested_by", "scope_user", "rep", "customer", "job"
    )
    if actor.is_admin:
        return reports
    return reports.filter(
        Q(requested_by_id=actor.user.pk)
        | Q(scope_kind=ScopeKind.TEAM, scope_user_id=actor.user.pk)
        | Q(scope_kind=ScopeKind.REP, scope_user_id__in=actor.team_user_ids)
    )


def report_list(*, actor: Actor, type: str | None = None, status: str | None = None) -> QuerySet[Report]:
    """Return the visible reports, filtered; ordering is left to the caller."""
    reports = visible_reports(actor)
    if type:
        reports = reports.filter(type=type)
    if status:
        reports = reports.filter(status=status)
    return reports


def report_get(*, actor: Actor, report_id: int) -> Report:
    """Return one visible report; another tenant's, or one outside the actor's scope, is NotFound."""
    return get_visible(visible_reports(actor), report_id, "report")


def report_directory(report: Report) -> Path:
    """Where ``report``'s file is written: MEDIA_ROOT/reports/<tenant id>/<report id>/."""
    return Path(settings.MEDIA_ROOT) / "reports" / str(report.tenant_id) / str(report.pk)


def report_file(report: Report) -> Path | None:
    """Return the path of ``report``'s file when it has been written and is still there."""
    if not report.file_path:
        return None
    path = Path(settings.MEDIA_ROOT) / report.file_path
    return path if path.is_file() else None


def scope_label(report: Report) -> str:
    """Say whose book the report covers, for the top of the file and the list."""
    if report.type == ReportType.CUSTOMER_STATEMENT and report.customer is not None:
        return f"Customer: {report.customer.name}"
    person = report.scope_user.display_name if report.scope_user else ""
    if report.scope_kind == ScopeKind.REP:
        return f"{person}'s book"
    if report.scope_kind == ScopeKind.TEAM:
        return f"{person}'s team"
    return "Everyone"
