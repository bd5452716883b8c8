"""image_extraction: read an uploaded business card or liquor licence (OCR) into fields for review."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register


class ImageExtractionPayload(Payload):
    extraction_id: int = Field(..., ge=1, description="the scan (leora.extraction.models.Extraction) to read")


@register(
    "image_extraction", schema=ImageExtractionPayload, priority=5, max_attempts=3, timeout_seconds=300,
    description="Reads a scanned business card or liquor licence into fields for review.",
)  # fmt: skip
def image_extraction(ctx: JobContext, payload: ImageExtractionPayload) -> dict[str, Any]:
    """OCR the scan's image and store the fields; a damaged image fails at once, anything else retries."""
    from leora.extraction.services import ExtractionPermanentError, extraction_run

    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("image_extraction needs a tenant")
    try:
        return extraction_run(
            tenant=tenant,
            extraction_id=payload.extraction_id,
            progress=ctx.progress,
            final_attempt=ctx.attempt >= ctx.job.max_attempts,
        )
    except ExtractionPermanentError as exc:
        raise PermanentFailure(str(exc)) from exc
