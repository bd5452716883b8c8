"""image_extraction: read a photographed order sheet or invoice (OCR) into structured data.

The payload schema is final; the handler arrives with the job-handlers work.
"""

from __future__ import annotations

from pydantic import Field

from leora.jobs.handlers._pending import not_implemented
from leora.jobs.registry import Payload, register


class ImageExtractionPayload(Payload):
    image_path: str = Field(..., min_length=1, max_length=500, description="path under MEDIA_ROOT")
    original_name: str = Field("", max_length=255)
    content_type: str = Field("image/png", max_length=100)
    customer_id: int | None = Field(None, ge=1, description="the account the document belongs to, if known")


register(
    "image_extraction", schema=ImageExtractionPayload, priority=5, max_attempts=3, timeout_seconds=300,
    description="OCR of an uploaded image into order lines.",
)(not_implemented)  # fmt: skip
