"""Webhook API schemas."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from leora.events import EVENTS
from leora.pagination import ListParams
from leora.webhooks.models import URL_MAX_LENGTH

EVENTS_HELP = f"events to send, from: {', '.join(EVENTS)}"


class WebhookIn(Schema):
    url: str = Field(..., max_length=URL_MAX_LENGTH, description="an http(s) URL on a public address")
    events: list[str] = Field(..., max_length=len(EVENTS), description=EVENTS_HELP)
    description: str = Field("", max_length=200)
    active: bool = True


class WebhookPatch(Schema):
    url: str | None = Field(None, max_length=URL_MAX_LENGTH)
    events: list[str] | None = Field(None, max_length=len(EVENTS), description=EVENTS_HELP)
    description: str | None = Field(None, max_length=200)
    active: bool | None = Field(
        None, description="true turns a disabled webhook back on and clears its failures"
    )
    rotate_secret: bool = Field(
        False, description="true gives the webhook a new secret, returned once as `secret`"
    )


class WebhookOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    consecutive_failures: int
    disabled_reason: str
    disabled_at: datetime | None
    secret_hint: str = Field(..., description="the last characters of the signing secret")
    secret: str | None = Field(
        None, description="the signing secret, only in the answer that created or rotated it"
    )
    created_at: datetime
    updated_at: datetime


class AttemptOut(Schema):
    number: int
    url: str
    response_status: int | None
    duration_ms: int
    error: str
    response_snippet: str
    succeeded: bool
    created_at: datetime


class DeliveryOut(Schema):
    id: int
    uid: UUID = Field(..., description="the Leora-Delivery header and the body's id")
    event: str
    status: str = Field(..., description="pending, succeeded or failed")
    is_test: bool
    attempts: int
    response_status: int | None
    duration_ms: int | None
    error: str
    created_at: datetime
    finished_at: datetime | None
    attempt_log: list[AttemptOut]


class DeliveryFilters(ListParams):
    status: str | None = Field(None, description="pending, succeeded or failed")
