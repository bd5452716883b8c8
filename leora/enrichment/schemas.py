"""Pydantic schemas of the enrichment API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from leora.enrichment.models import CustomerEnrichment
from leora.jobs.schemas import JobSummaryOut


class ReasonOut(Schema):
    label: str
    points: float | None
    best: float | None
    lost: float | None
    costs_points: bool


class PreferredProductOut(Schema):
    product_id: int
    name: str
    sku: str
    quantity: int
    revenue: str = Field(..., description="revenue of the last 12 months, a decimal string")


class EnrichmentOut(Schema):
    customer_id: int
    computed_at: datetime
    as_of: date
    median_interval_days: float | None
    expected_next_order: date | None
    overdue_ratio: float | None
    recency_score: int | None
    frequency_score: int | None
    monetary_score: int | None
    rfm_segment: str
    health_score: float | None
    health_reasons: list[ReasonOut]
    preferred_products: list[PreferredProductOut]
    typical_order_weekday: int | None = Field(..., description="0 = Monday ... 6 = Sunday")
    typical_order_weekday_name: str
    external: dict[str, dict[str, object]]

    @staticmethod
    def resolve_typical_order_weekday_name(obj: CustomerEnrichment) -> str:
        return obj.weekday_name


class SegmentCountOut(Schema):
    segment: str
    count: int


class SegmentsOut(Schema):
    items: list[SegmentCountOut]
    scored: int
    not_scored: int
    computed_at: datetime | None


class RunIn(Schema):
    type: Literal["customer_enrichment", "account_type_update"] = "customer_enrichment"


class RunOut(JobSummaryOut):
    pass
