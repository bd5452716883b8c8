"""Pydantic schemas of the notifications API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from leora.pagination import ListParams


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationFilters(ListParams):
    unread: bool | None = Field(None, description="true: only unread; false: only read")


class UnreadCountOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked: int = Field(..., description="how many notifications were unread and are now read")


class NotificationPreferencesOut(Schema):
    digest_enabled: bool = Field(..., description="whether the daily digest email is sent")
    digest_hour: int = Field(..., description="the hour (0-23) the digest is sent, in the tenant's timezone")
    timezone: str = Field(..., description="the tenant's timezone, which the hour is read in")


class NotificationPreferencesPatch(Schema):
    digest_enabled: bool | None = None
    digest_hour: int | None = Field(None, ge=0, le=23, description="0 to 23, in the tenant's timezone")
