"""The enrichment API: one customer's stored enrichment, the RFM segment counts, and Run now."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from leora.enrichment.schemas import EnrichmentOut, RunIn, RunOut, SegmentsOut
from leora.enrichment.selectors import customer_enrichment_get, rfm_segment_counts
from leora.enrichment.services import enrichment_run_request
from leora.tenancy.auth import actor_of

router = Router()


@router.get("/customers/{customer_id}", response=EnrichmentOut, summary="Get a customer's enrichment")
def get_customer_enrichment(request: HttpRequest, customer_id: int) -> Any:
    return customer_enrichment_get(actor=actor_of(request), customer_id=customer_id)


@router.get("/segments", response=SegmentsOut, summary="Count the visible customers in each RFM segment")
def get_segments(request: HttpRequest) -> dict[str, Any]:
    found = rfm_segment_counts(actor=actor_of(request))
    return {
        "items": [{"segment": s.segment, "count": s.count} for s in found.segments],
        "scored": found.scored,
        "not_scored": found.not_scored,
        "computed_at": found.computed_at,
    }


@router.post("/run", response={202: RunOut}, summary="Enqueue the tenant-wide run now (admins)")
def run_now(request: HttpRequest, payload: RunIn | None = None) -> Status[Any]:
    job_type = payload.type if payload is not None else "customer_enrichment"
    return Status(202, enrichment_run_request(actor=actor_of(request), job_type=job_type))
