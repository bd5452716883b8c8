"""The scan pages: /scan/ (upload, recent scans), /scan/<id>/ (review beside the image, apply), and the
image itself, served only to people who may see the scan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from leora.errors import DomainError, NotFound
from leora.extraction.api import read_upload
from leora.extraction.files import image_for_browser
from leora.extraction.models import Extraction, ExtractionKind, ExtractionStatus
from leora.extraction.schemas import fields_out
from leora.extraction.selectors import extraction_get, extraction_list, extraction_matches
from leora.extraction.services import extraction_apply, extraction_create, field_values
from leora.pages import actor_of_page, page_slice, render_page
from leora.tenancy.actors import Actor

# Several photos at once from a phone's camera roll, but not a whole album by mistake.
MAX_IMAGES_PER_UPLOAD = 10


def _list_context(request: HttpRequest, actor: Actor, **extra: Any) -> dict[str, Any]:
    page = page_slice(request, extraction_list(actor=actor), page_size=20)
    live = any(not scan.is_finished for scan in page.items)
    return {"page": page, "kinds": ExtractionKind.choices, "live": live, "max_images": MAX_IMAGES_PER_UPLOAD,
            "kind": ExtractionKind.BUSINESS_CARD, **extra}  # fmt: skip


@require_GET
@login_required
def extraction_list_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    return render_page(
        request, "extraction/extraction_list.html", _list_context(request, actor),
        fragment="extraction/_scans.html",
    )  # fmt: skip


@require_POST
@login_required
def extraction_upload_page(request: HttpRequest) -> HttpResponse:
    """Store each uploaded image as a scan; one image opens its review page, several the list."""
    actor = actor_of_page(request)
    kind = request.POST.get("kind", ExtractionKind.BUSINESS_CARD)
    files = request.FILES.getlist("images")
    errors: list[str] = []
    if kind not in ExtractionKind.values:
        errors.append("Choose what you are scanning: a business card or a licence.")
    elif not files:
        errors.append("Choose or take a photo to scan.")
    elif len(files) > MAX_IMAGES_PER_UPLOAD:
        errors.append(f"Scan at most {MAX_IMAGES_PER_UPLOAD} photos at a time.")
    created: list[Extraction] = []
    if not errors:
        for uploaded in files:
            try:
                created.append(
                    extraction_create(
                        actor=actor,
                        kind=kind,
                        content=read_upload(uploaded),
                        original_name=uploaded.name or "",
                    )
                )
            except DomainError as exc:
                errors.append(f"{uploaded.name}: {exc.detail}")
    if errors and not created:
        context = _list_context(request, actor, upload_errors=errors, kind=kind)
        return render(request, "extraction/extraction_list.html", context, status=422)
    for error in errors:
        messages.error(request, error)
    if len(created) == 1 and not errors:
        return redirect("extraction_detail", extraction_id=created[0].pk)
    messages.success(request, f"{len(created)} scan{'s' if len(created) != 1 else ''} queued for reading.")
    return redirect("extraction_list")


def _detail_context(
    actor: Actor,
    extraction: Extraction,
    *,
    submitted: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    values = field_values(extraction)
    fields = fields_out(extraction)
    for item in fields:
        if submitted is not None:
            item["value"] = submitted.get(item["name"], item["value"])
        item["error"] = (field_errors or {}).get(item["name"], "")
        item["input_type"] = {"email": "email", "phone": "tel", "expiry_date": "date"}.get(
            item["name"], "text"
        )
    matches = (
        extraction_matches(actor=actor, kind=extraction.kind, values=values)
        if extraction.status == ExtractionStatus.COMPLETED
        else []
    )
    options = [
        {
            "value": f"contact:{m.contact.pk}" if m.contact else f"customer:{m.customer.pk}",
            "contact": m.contact, "customer": m.customer, "reason": m.reason,
        }
        for m in matches
    ]  # fmt: skip
    chosen = extra.pop("target", None) or (options[0]["value"] if options else "new")
    return {
        "scan": extraction, "fields": fields, "matches": options, "target": chosen,
        "live": not extraction.is_finished, "progress": _progress(extraction), **extra,
    }  # fmt: skip


def _progress(extraction: Extraction) -> tuple[int, str]:
    from leora.jobs.models import Job

    if extraction.is_finished or extraction.job_id is None:
        return 100, ""
    job = Job.objects.filter(pk=extraction.job_id).values("progress", "progress_message").first()
    if job is None:
        return 0, ""
    return int(job["progress"]), str(job["progress_message"])


@require_GET
@login_required
def extraction_detail_page(request: HttpRequest, extraction_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    extraction = _visible(actor, extraction_id)
    return render_page(
        request, "extraction/extraction_detail.html", _detail_context(actor, extraction),
        fragment="extraction/_review.html",
    )  # fmt: skip


def _visible(actor: Actor, extraction_id: int) -> Extraction:
    from django.http import Http404

    try:
        return extraction_get(actor=actor, extraction_id=extraction_id)
    except NotFound:
        raise Http404("scan not found") from None


@require_POST
@login_required
def extraction_apply_page(request: HttpRequest, extraction_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    extraction = _visible(actor, extraction_id)
    values = {name: request.POST.get(name, "") for name in field_values(extraction)}
    target = request.POST.get("target", "new")
    customer_id = contact_id = None
    if target.startswith("customer:"):
        customer_id = _int(target.removeprefix("customer:"))
    elif target.startswith("contact:"):
        contact_id = _int(target.removeprefix("contact:"))
    try:
        applied = extraction_apply(
            actor=actor, extraction=extraction, values=values, customer_id=customer_id, contact_id=contact_id
        )
    except DomainError as exc:
        field_errors = {e.field: e.message for e in exc.errors}
        context = _detail_context(
            actor, extraction, submitted=values, field_errors=field_errors, target=target,
            form_error=None if field_errors else exc.detail,
        )  # fmt: skip
        return render(request, "extraction/extraction_detail.html", context, status=422)
    if applied.contact is not None:
        verb = "added to" if applied.contact_created else "updated at"
        text = f"{applied.contact.name} {verb} {applied.customer.name}."
    else:
        text = f"{applied.customer.name} {'created' if applied.customer_created else 'updated'}."
    messages.success(request, text)
    return redirect(reverse("customer_detail", kwargs={"customer_id": applied.customer.pk}))


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 18 else None


@require_GET
@login_required
def extraction_image_page(request: HttpRequest, extraction_id: int) -> HttpResponse:
    """The scanned image, for the review page: checked like the scan itself (no public URL)."""
    extraction = _visible(actor_of_page(request), extraction_id)
    content, content_type = image_for_browser(extraction.image_path, extraction.content_type)
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [
    path("", extraction_list_page, name="extraction_list"),
    path("upload/", extraction_upload_page, name="extraction_upload"),
    path("<id:extraction_id>/", extraction_detail_page, name="extraction_detail"),
    path("<id:extraction_id>/apply/", extraction_apply_page, name="extraction_apply"),
    path("<id:extraction_id>/image/", extraction_image_page, name="extraction_image"),
]
