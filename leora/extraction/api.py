"""The extraction API: upload a business card or licence, follow its reading, review and apply it."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from leora.extraction.files import MAX_UPLOAD_BYTES, TooLarge, image_for_browser
from leora.extraction.models import Extraction
from leora.extraction.schemas import (
    AcceptedOut,
    ApplyIn,
    ApplyOut,
    ExtractionDetailOut,
    ExtractionFilters,
    ExtractionOut,
)
from leora.extraction.selectors import extraction_get, extraction_list, extraction_matches
from leora.extraction.services import extraction_apply, extraction_create, field_values
from leora.pagination import page_of, paginate
from leora.tenancy.actors import Actor
from leora.tenancy.auth import actor_of

router = Router()


def read_upload(uploaded: DjangoUploadedFile) -> bytes:
    """Return an upload's bytes, refusing (413) one over the limit before reading it."""
    if uploaded.size is not None and uploaded.size > MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"the image is {uploaded.size / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB"
        )
    return uploaded.read(MAX_UPLOAD_BYTES + 1)


def detail(actor: Actor, extraction: Extraction) -> Extraction:
    """The scan with the records it matches, as GET /api/extractions/{id} answers."""
    matches = []
    if extraction.status == "completed":
        for match in extraction_matches(actor=actor, kind=extraction.kind, values=field_values(extraction)):
            matches.append({
                "customer_id": match.customer.pk, "customer_name": match.customer.name,
                "contact_id": match.contact.pk if match.contact else None,
                "contact_name": match.contact.name if match.contact else None, "reason": match.reason,
            })  # fmt: skip
    extraction.matches = matches  # type: ignore[attr-defined]
    return extraction


@router.post("", response={202: AcceptedOut}, summary="Upload a business card or licence to read")
def create_extraction(
    request: HttpRequest, image: File[UploadedFile], kind: Form[str] = "business_card"
) -> Status[Any]:
    """Multipart: ``image`` (JPEG, PNG, WebP or HEIC, at most 15 MB and 40 megapixels) and ``kind``
    (business_card or license). Answers 202 with the scan's id and its job's; 413 or 422 otherwise."""
    extraction = extraction_create(
        actor=actor_of(request), kind=kind, content=read_upload(image), original_name=image.name or ""
    )
    return Status(202, {"id": extraction.pk, "job_id": extraction.job_id, "status": extraction.status})


@router.get("", response=page_of(ExtractionOut), summary="List scans")
def list_extractions(request: HttpRequest, filters: Query[ExtractionFilters]) -> dict[str, Any]:
    """A rep sees their own scans, a manager their team's, an admin the whole team's; newest first."""
    return paginate(
        extraction_list(actor=actor_of(request), status=filters.status, kind=filters.kind), filters
    )


@router.get("/{extraction_id}", response=ExtractionDetailOut, summary="Get a scan")
def get_extraction(request: HttpRequest, extraction_id: int) -> Extraction:
    actor = actor_of(request)
    return detail(actor, extraction_get(actor=actor, extraction_id=extraction_id))


@router.get("/{extraction_id}/image", summary="The scanned image", response={200: None})
def get_extraction_image(request: HttpRequest, extraction_id: int) -> HttpResponse:
    extraction = extraction_get(actor=actor_of(request), extraction_id=extraction_id)
    content, content_type = image_for_browser(extraction.image_path, extraction.content_type)
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.post("/{extraction_id}/apply", response=ApplyOut, summary="Apply a reviewed scan to the CRM")
def apply_extraction(request: HttpRequest, extraction_id: int, payload: ApplyIn) -> dict[str, Any]:
    """Create or update the customer (and, for a business card, the contact) from the reviewed fields.
    Name ``customer_id`` / ``contact_id`` (from the scan's matches) to update instead of create."""
    actor = actor_of(request)
    extraction = extraction_get(actor=actor, extraction_id=extraction_id)
    applied = extraction_apply(
        actor=actor, extraction=extraction, values=payload.fields,
        customer_id=payload.customer_id, contact_id=payload.contact_id,
    )  # fmt: skip
    return {
        "customer": {"id": applied.customer.pk, "name": applied.customer.name},
        "contact": {"id": applied.contact.pk, "name": applied.contact.name} if applied.contact else None,
        "customer_created": applied.customer_created,
        "contact_created": applied.contact_created,
        "extraction": extraction_get(actor=actor, extraction_id=extraction_id),
    }
