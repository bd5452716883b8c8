"""The enrichment page (admins and managers): when the jobs last ran, Run now (admins), the RFM
segment distribution and the newest account type changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from leora.enrichment.selectors import account_type_changes, enrichment_jobs_latest, rfm_segment_counts
from leora.enrichment.services import ACCOUNT_TYPE_JOB, ENRICHMENT_JOB, RUNNABLE, enrichment_run_request
from leora.errors import DomainError
from leora.pages import actor_of_page
from leora.tenancy.actors import Actor

JOB_LABELS = {
    ENRICHMENT_JOB: (
        "Customer enrichment",
        "Cadence, RFM segment, health score, preferred products and usual order day of every account. "
        "Nightly at 01:30, and for an account after each new order.",
    ),
    ACCOUNT_TYPE_JOB: (
        "Account types",
        "Moves accounts between Prospect, Target and Active by the active_account and target_account "
        "segments. Daily at 02:00.",
    ),
}


def _leader(request: HttpRequest) -> Actor:
    actor = actor_of_page(request)
    if not actor.leads_people:
        raise PermissionDenied("Only admins and managers can see enrichment.")
    return actor


@require_GET
@login_required
def enrichment_overview_page(request: HttpRequest) -> HttpResponse:
    actor = _leader(request)
    latest = enrichment_jobs_latest(actor=actor)
    jobs = [
        {"type": t, "label": JOB_LABELS[t][0], "text": JOB_LABELS[t][1], "runs": latest[t]} for t in RUNNABLE
    ]
    distribution = rfm_segment_counts(actor=actor)
    context = {
        "jobs": jobs,
        "distribution": distribution,
        "widest": max((s.count for s in distribution.segments), default=0),
        "changes": account_type_changes(actor=actor),
        "can_run": actor.is_admin,
    }
    return render(request, "enrichment/enrichment_overview.html", context)


@require_POST
@login_required
def enrichment_run_action(request: HttpRequest, job_type: str) -> HttpResponse:
    actor = _leader(request)
    try:
        job = enrichment_run_request(actor=actor, job_type=job_type)
    except DomainError as error:
        messages.error(request, error.detail)
    else:
        label = JOB_LABELS[job.type][0]
        messages.success(request, f"{label} queued; this page shows when it has run.")
    return redirect("enrichment_overview")
