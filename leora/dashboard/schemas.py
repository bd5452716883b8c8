"""API schemas of the dashboard: widgets on a layout, the grid saved whole, the widget catalog."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from leora.dashboard.widgets.registry import Size, size_of

ScopeParam = Literal["user", "tenant"]


class ScopeFilter(Schema):
    scope: ScopeParam = Field(
        "user", description="user: your own dashboard; tenant: the default everyone starts from (admins)"
    )


class WidgetOut(Schema):
    id: int
    widget_type: str
    position: int
    x: int
    y: int
    w: int
    h: int
    size: Size
    visible: bool
    config: dict[str, Any]

    @staticmethod
    def resolve_size(obj: Any) -> str:
        return size_of(obj.w)


class WidgetIn(Schema):
    widget_type: str = Field(..., max_length=40)
    config: dict[str, Any] = Field(default_factory=dict, description="checked by the widget type's schema")
    size: Size | None = Field(None, description="the type's default size when omitted")
    visible: bool = True


class WidgetPatch(Schema):
    position: int | None = Field(None, ge=0, le=1000, description="the new place in the order; others move")
    x: int | None = Field(None, ge=0, le=11)
    y: int | None = Field(None, ge=0, le=10_000)
    w: int | None = Field(None, ge=1, le=12, description="snaps to the nearest size")
    h: int | None = Field(
        None, ge=1, le=50, description="snaps to the nearest size when w and size are absent"
    )
    size: Size | None = None
    visible: bool | None = None
    config: dict[str, Any] | None = None


class PlacementIn(Schema):
    id: int = Field(..., ge=1, le=2**63 - 1)
    x: int = Field(..., ge=0, le=11)
    y: int = Field(..., ge=0, le=10_000)
    w: int = Field(..., ge=1, le=12)
    h: int = Field(..., ge=1, le=50)
    visible: bool = True


class LayoutIn(Schema):
    widgets: list[PlacementIn] = Field(..., max_length=500, description="every widget, in the order to keep")


class WidgetTypeOut(Schema):
    widget_type: str
    title: str
    description: str
    size: Size
    config_schema: dict[str, Any]


class LayoutOut(Schema):
    source: Literal["default", "own"] = Field(
        ..., description="default: the tenant's default layout; own: this person's copy"
    )
    widgets: list[WidgetOut]


class LayoutWithCatalogOut(LayoutOut):
    catalog: list[WidgetTypeOut]


class DataFilters(Schema):
    widget_id: int | None = Field(None, ge=1, le=2**63 - 1, description="use this placed widget's config")
    rep_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="managers and admins: one rep's book instead of the whole scope"
    )


class WidgetDataOut(Schema):
    widget_type: str
    config: dict[str, Any]
    data: dict[str, Any]
