"""The admins' Jobs pages: live counts, the workers running and the queue's upkeep, a filterable table of
recent jobs, one job's page with its actions."""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from leora.errors import Conflict, Forbidden, NotFound
from leora.jobs.models import Job, JobStatus
from leora.jobs.registry import type_names
from leora.jobs.selectors import job_get, job_list, job_status_counts, system_job_latest, worker_list
from leora.jobs.services import job_cancel, job_retry
from leora.pages import actor_of_page, page_slice, render_page
from leora.tenancy.actors import Actor


def _admin(request: HttpRequest) -> Actor:
    actor = actor_of_page(request)
    if not actor.is_admin:
        raise PermissionDenied("Only admins can see jobs.")
    return actor


def _job(actor: Actor, job_id: UUID) -> Job:
    try:
        return job_get(actor=actor, job_id=job_id)
    except NotFound:
        raise Http404("job not found") from None


@require_GET
@login_required
def job_list_page(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    status = request.GET.get("status", "")
    status = status if status in JobStatus.values else ""
    job_type = request.GET.get("type", "")
    job_type = job_type if job_type in type_names() else ""
    jobs = job_list(actor=actor, status=status or None, job_type=job_type or None)
    context = {
        **_queue_context(actor),
        "page": page_slice(request, jobs),
        "counts": job_status_counts(actor=actor),
        "status": status,
        "type": job_type,
        "statuses": JobStatus.choices,
        "types": type_names(),
        "filtered": bool(status or job_type),
    }
    return render_page(request, "jobs/list.html", context, fragment="jobs/_results.html")


@require_GET
@login_required
def job_counts_fragment(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    return render(request, "jobs/_counts.html", {"counts": job_status_counts(actor=actor)})


def _queue_context(actor: Actor) -> dict[str, object]:
    return {
        "workers": worker_list(actor=actor),
        "system_jobs": system_job_latest(actor=actor),
        # Staff look after the whole install: they see the workers' hosts and open system jobs.
        "operator": actor.user.is_staff,
    }


@require_GET
@login_required
def job_queue_fragment(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/_queue.html", _queue_context(_admin(request)))


def _when(text: str | None) -> datetime | None:
    # Failed attempts store their time as ISO text inside the job's JSON.
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _detail_context(job: Job) -> dict[str, object]:
    return {
        "job": job,
        "payload_json": json.dumps(job.payload, indent=2, sort_keys=True),
        "result_json": json.dumps(job.result, indent=2, sort_keys=True) if job.result is not None else "",
        "errors": [{**error, "at": _when(error.get("at"))} for error in reversed(job.errors)],
        "live": not job.is_finished,
    }


@require_GET
@login_required
def job_detail_page(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _job(_admin(request), job_id)
    return render_page(request, "jobs/detail.html", _detail_context(job), fragment="jobs/_status.html")


def _act(request: HttpRequest, job_id: UUID, action: str) -> HttpResponse:
    actor = _admin(request)
    job = _job(actor, job_id)
    try:
        if action == "cancel":
            job = job_cancel(actor=actor, job=job)
            text = "Job cancelled." if job.status == JobStatus.CANCELLED else "Asked the running job to stop."
        else:
            job_retry(actor=actor, job=job)
            text = "Job queued again."
        messages.success(request, text)
    except (Conflict, Forbidden) as exc:
        messages.error(request, exc.detail)
    return redirect("job_detail", job_id=job.pk)


@require_POST
@login_required
def job_cancel_action(request: HttpRequest, job_id: UUID) -> HttpResponse:
    return _act(request, job_id, "cancel")


@require_POST
@login_required
def job_retry_action(request: HttpRequest, job_id: UUID) -> HttpResponse:
    return _act(request, job_id, "retry")
