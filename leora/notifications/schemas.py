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
