"""The extraction API's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from leora.extraction.models import Extraction
from leora.extraction.parsing import FIELD_LABELS, LOW_CONFIDENCE
from leora.pagination import ListParams
from leora.schema_types import UserRef


class ExtractedFieldOut(Schema):
    name: str
    label: str
    value: str
    confidence: float = Field(..., description="0-1; below 0.8 the review page highlights the field")
    low_confidence: bool
    raw: str = Field(..., description="the text the value was read from")


def fields_out(extraction: Extraction) -> list[dict[str, Any]]:
    """Return the scan's fields in the order of its kind, each with its label and confidence."""
    from leora.extraction.services import field_values

    out = []
    for name, value in field_values(extraction).items():
        found = extraction.fields.get(name) or {}
        confidence = float(found.get("confidence", 0.0)) if value else 0.0
        out.append({
            "name": name, "label": FIELD_LABELS[name], "value": value, "confidence": confidence,
            "low_confidence": confidence < LOW_CONFIDENCE, "raw": str(found.get("raw", "")),
        })  # fmt: skip
    return out


class ExtractionOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    job_id: UUID | None
    progress: int = Field(..., description="0-100, from the scan's job")
    progress_message: str
    created_by: UserRef
    original_name: str
    content_type: str
    width: int
    height: int
    engine: str = Field(..., description="rapidocr, tesseract or cloud; empty until read")
    fields: list[ExtractedFieldOut]
    emails: list[str] = Field(..., description="every email address found")
    phones: list[str] = Field(..., description="every phone number found, E.164")
    error: str
    applied_customer_id: int | None
    applied_contact_id: int | None
    created_at: datetime
    completed_at: datetime | None
    applied_at: datetime | None

    @staticmethod
    def resolve_status_label(obj: Extraction) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_progress(obj: Extraction) -> int:
        if obj.is_finished:
            return 100
        return int(getattr(obj, "job_progress", None) or 0)

    @staticmethod
    def resolve_progress_message(obj: Extraction) -> str:
        return str(getattr(obj, "job_progress_message", None) or "")

    @staticmethod
    def resolve_fields(obj: Extraction) -> list[dict[str, Any]]:
        return fields_out(obj)

    @staticmethod
    def resolve_emails(obj: Extraction) -> list[str]:
        return [str(e.get("value", "")) for e in (obj.candidates or {}).get("emails", [])]

    @staticmethod
    def resolve_phones(obj: Extraction) -> list[str]:
        return [str(p.get("value", "")) for p in (obj.candidates or {}).get("phones", [])]


class MatchOut(Schema):
    customer_id: int
    customer_name: str
    contact_id: int | None
    contact_name: str | None
    reason: str


class ExtractionDetailOut(ExtractionOut):
    matches: list[MatchOut] = Field(
        ..., description="existing customers and contacts sharing the scan's email, phone or licence number"
    )


class ExtractionFilters(ListParams):
    status: str | None = None
    kind: str | None = None


class ApplyIn(Schema):
    fields: dict[str, str] = Field(
        default_factory=dict, description="corrected values by field name; fields left out keep what was read"
    )
    customer_id: int | None = Field(None, description="update this customer instead of creating one")
    contact_id: int | None = Field(
        None, description="update this contact (business cards) instead of creating one"
    )


class RecordRef(Schema):
    id: int
    name: str


class ApplyOut(Schema):
    customer: RecordRef
    contact: RecordRef | None
    customer_created: bool
    contact_created: bool
    extraction: ExtractionOut


class AcceptedOut(Schema):
    id: int
    job_id: UUID | None
    status: str
