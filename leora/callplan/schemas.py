from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from leora.schema_types import UserRef

Action = Literal["call", "visit", "tasting"]


class ItemCustomer(Schema):
    id: int
    name: str
    address: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class PlanItemOut(Schema):
    id: int
    customer_id: int
    customer: ItemCustomer
    source: str
    rank: int
    score: float
    reasons: list[dict[str, Any]] = Field(
        ..., description="why: each names its reason, label, weight and metrics"
    )
    action: str
    expected_value: Decimal
    note: str
    scheduled_date: date | None
    scheduled_time: time | None
    position: int
    event_id: int | None
    removed_reason: str
    removed_at: datetime | None
    completed_at: datetime | None
    outcome: str
    activity_id: int | None


class PlanTotalsOut(Schema):
    proposed: int
    scheduled: int
    completed: int
    expected_value: Decimal
    quota: Decimal | None


class PlanOut(Schema):
    week_start: date
    user: UserRef
    generated_at: datetime | None
    evaluated_on: date | None
    daily_capacity: int
    totals: PlanTotalsOut
    items: list[PlanItemOut]


class PlanItemPatch(Schema):
    scheduled_date: date | None = Field(None, description="a day of the plan's week; null unschedules")
    scheduled_time: time | None = Field(None, description="needs a day; null clears it")
    position: int | None = Field(None, ge=0, description="order within the day, from 0")
    action: Action | None = None
    removed_reason: str | None = Field(
        None, max_length=200, description="removes with this reason; '' restores"
    )
    note: str | None = Field(None, max_length=2000)


class PlanItemComplete(Schema):
    outcome: str = Field(
        ..., min_length=1, max_length=5000, description="what happened: logged as the activity"
    )
    kind: Literal["call", "visit", "tasting", "email", "note"] | None = Field(
        None, description="the activity's kind; the stop's action when unset"
    )
    occurred_at: datetime | None = None


class PlanItemAdd(Schema):
    user_id: int
    customer_id: int
    note: str = Field("", max_length=2000)


class GenerateOut(Schema):
    job_id: UUID
    status: str


class TeamRepOut(Schema):
    user: UserRef
    generated_at: datetime | None
    planned: int
    contacted: int
    not_contacted: int
    due_or_at_risk: int
    due_or_at_risk_planned: int
    due_or_at_risk_contacted: int
    expected_value: Decimal
    quota: Decimal | None


class TeamOut(Schema):
    week_start: date
    reps: list[TeamRepOut]


class ReasonOut(Schema):
    key: str
    label: str
    weight: float
    action: str
    metrics: list[str]
    from_metrics: bool


class RankingOut(Schema):
    reasons: list[ReasonOut]
    max_items: int


class RankingPatch(Schema):
    weights: dict[str, float] | None = Field(None, description="reason key -> weight (0 turns it off)")
    metrics: dict[str, list[str]] | None = Field(
        None, description="reason key -> segment metric codes (all must hold)"
    )
    max_items: int | None = Field(None, ge=1, le=400)


class RepSettingsOut(Schema):
    user_id: int
    daily_capacity: int
    start_label: str
    start_latitude: Decimal | None
    start_longitude: Decimal | None


class RepSettingsPatch(Schema):
    daily_capacity: int | None = Field(None, ge=1, le=50)
    start_label: str | None = Field(None, max_length=200)
    start_latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    start_longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
