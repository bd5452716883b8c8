"""/api/dashboard/widgets: the caller's layout, its widgets, the grid saved whole, and widget data.

Reads and writes go through leora.dashboard.layouts and leora.dashboard.data, like the dashboard page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.dashboard import layouts
from leora.dashboard.data import widget_data
from leora.dashboard.schemas import (
    DataFilters,
    LayoutIn,
    LayoutOut,
    LayoutWithCatalogOut,
    ScopeFilter,
    WidgetDataOut,
    WidgetIn,
    WidgetOut,
    WidgetPatch,
)
from leora.dashboard.widgets.registry import widget_types
from leora.pagination import ListParams, page_of, paginate
from leora.tenancy.auth import actor_of

router = Router()


def _layout_body(result: layouts.EffectiveLayout) -> dict[str, Any]:
    return {"source": "default" if result.is_default else "own", "widgets": result.widgets}


def catalog() -> list[dict[str, Any]]:
    """Return every widget type with its config's JSON schema, for the widget library."""
    return [
        {
            "widget_type": t.name,
            "title": t.title,
            "description": t.description,
            "size": t.size,
            "config_schema": t.config.model_json_schema(),
        }
        for t in widget_types()
    ]


class WidgetListParams(ListParams, ScopeFilter):
    pass


@router.get("", response=page_of(WidgetOut), summary="The widgets of your dashboard, in order")
def list_widgets(request: HttpRequest, filters: Query[WidgetListParams]) -> dict[str, Any]:
    """Your own layout when you have one, else the tenant default; `?scope=tenant` reads the default
    (admins)."""
    layout = layouts.layout_read(actor=actor_of(request), scope=filters.scope)
    widgets = layouts.DashboardWidget.objects.for_tenant(layout.tenant_id).filter(layout=layout)
    return paginate(widgets.order_by("position", "pk"), filters)


@router.get("/layout", response=LayoutWithCatalogOut, summary="Your layout and the widget catalog")
def get_layout(request: HttpRequest, filters: Query[ScopeFilter]) -> dict[str, Any]:
    result = layouts.effective_layout(actor=actor_of(request), scope=filters.scope)
    return {**_layout_body(result), "catalog": catalog()}


@router.put("/layout", response=LayoutOut, summary="Save the whole grid in one call")
def save_layout(request: HttpRequest, payload: LayoutIn, filters: Query[ScopeFilter]) -> dict[str, Any]:
    """List every widget of the layout with its place; the list's order becomes the widgets' order.
    Your first change copies the tenant default into a layout of your own."""
    placements = [layouts.Placement(**p.model_dump()) for p in payload.widgets]
    result = layouts.layout_save(actor=actor_of(request), placements=placements, scope=filters.scope)
    return _layout_body(result)


@router.post("/reset", response=LayoutOut, summary="Go back to the tenant's default layout")
def reset_layout(request: HttpRequest, filters: Query[ScopeFilter]) -> dict[str, Any]:
    """With `?scope=tenant` (admins), put the tenant default itself back to the ten standard widgets."""
    return _layout_body(layouts.layout_reset(actor=actor_of(request), scope=filters.scope))


@router.get("/tasks-from-management", response=WidgetDataOut, summary="Open tasks others assigned to you")
def tasks_from_management(request: HttpRequest, filters: Query[DataFilters]) -> dict[str, Any]:
    return _data(request, "tasks_from_management", filters)


@router.post("", response={201: WidgetOut}, summary="Add a widget at the bottom of your dashboard")
def add_widget(request: HttpRequest, payload: WidgetIn, filters: Query[ScopeFilter]) -> Status[Any]:
    widget = layouts.widget_add(
        actor=actor_of(request),
        widget_type=payload.widget_type,
        config=payload.config,
        size=payload.size,
        visible=payload.visible,
        scope=filters.scope,
    )
    return Status(201, widget)


@router.patch("/{widget_id}", response=WidgetOut, summary="Move, resize, hide, show or configure a widget")
def update_widget(
    request: HttpRequest, widget_id: int, payload: WidgetPatch, filters: Query[ScopeFilter]
) -> Any:
    changes = layouts.WidgetChanges(**payload.model_dump(exclude_unset=True))
    return layouts.widget_update(
        actor=actor_of(request), widget_id=widget_id, changes=changes, scope=filters.scope
    )


@router.delete("/{widget_id}", response={204: None}, summary="Remove a widget; the others close up")
def delete_widget(request: HttpRequest, widget_id: int, filters: Query[ScopeFilter]) -> Status[None]:
    layouts.widget_delete(actor=actor_of(request), widget_id=widget_id, scope=filters.scope)
    return Status(204, None)


def _data(request: HttpRequest, widget_type: str, filters: DataFilters) -> dict[str, Any]:
    return widget_data(
        actor=actor_of(request), widget_type=widget_type, widget_id=filters.widget_id, rep_id=filters.rep_id
    )


@router.get("/{widget_type}/data", response=WidgetDataOut, summary="One widget type's data for you")
def get_widget_data(request: HttpRequest, widget_type: str, filters: Query[DataFilters]) -> dict[str, Any]:
    """With `widget_id`, the config of that widget on your dashboard; else the type's defaults. Managers
    and admins may narrow it to one rep with `rep_id`."""
    return _data(request, widget_type, filters)
