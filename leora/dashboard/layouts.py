"""Reading and changing dashboard layouts: the tenant default, a person's own copy, copy-on-write.

Every person reads their *effective* layout: their own when they have one, else the tenant default.
The first change a person makes copies the default into a layout of their own (same widget keys), so
later edits of the default by an admin no longer reach them until they reset. Admins change the
default itself with ``scope="tenant"``. Widgets outside the layout being read answer 404.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from leora.dashboard.models import DashboardLayout, DashboardWidget
from leora.dashboard.widgets.registry import GRID_COLUMNS, SIZES, Size, WidgetType, get_type, size_of
from leora.errors import InvalidInput, NotFound
from leora.schema_types import validated
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role, Tenant
from leora.tenancy.services.audit import audit_record

Scope = Literal["user", "tenant"]

# Every tenant starts with all ten widgets in this order, the tasks managers hand out on top.
DEFAULT_WIDGETS: tuple[str, ...] = (
    "tasks_from_management",
    "at_risk_customers",
    "customers_due",
    "quota_progress",
    "revenue_trend",
    "top_products",
    "new_customers",
    "customer_balances",
    "upcoming_events",
    "activity_summary",
)


def _new_key() -> str:
    return secrets.token_hex(8)


def flow(sizes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return (x, y) for widgets of ``sizes`` placed left to right in rows of GRID_COLUMNS."""
    places: list[tuple[int, int]] = []
    x = y = row_height = 0
    for w, h in sizes:
        if x + w > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        places.append((x, y))
        x += w
        row_height = max(row_height, h)
    return places


def _default_widgets(tenant: Tenant, layout: DashboardLayout) -> list[DashboardWidget]:
    types = [t for t in (get_type(name) for name in DEFAULT_WIDGETS) if t is not None]
    sizes = [SIZES[t.size] for t in types]
    return [
        DashboardWidget(
            tenant=tenant,
            layout=layout,
            key=_new_key(),
            widget_type=t.name,
            position=i,
            x=x,
            y=y,
            w=sizes[i][0],
            h=sizes[i][1],
            config=t.config().model_dump(mode="json"),
        )
        for i, (t, (x, y)) in enumerate(zip(types, flow(sizes), strict=True))
    ]


def default_layout(tenant: Tenant) -> DashboardLayout:
    """Return the tenant's default layout, creating it with all ten widgets on first use."""
    layout = DashboardLayout.objects.for_tenant(tenant).filter(user__isnull=True).first()
    if layout is not None:
        return layout
    try:
        with transaction.atomic():
            layout = DashboardLayout.objects.create_for(tenant, user=None)
            DashboardWidget.objects.bulk_create(_default_widgets(tenant, layout))
    except IntegrityError:
        # Two first requests raced; the other one created it.
        return DashboardLayout.objects.for_tenant(tenant).get(user__isnull=True)
    return layout


def own_layout(actor: Actor) -> DashboardLayout | None:
    """Return the actor's own layout, or None while they follow the tenant default."""
    return DashboardLayout.objects.for_tenant(actor.tenant).filter(user_id=actor.user.pk).first()


def layout_read(*, actor: Actor, scope: Scope = "user") -> DashboardLayout:
    """Return the layout the actor reads in ``scope``: their effective layout, or (admins) the default."""
    if scope == "tenant":
        require_role(actor, Role.ADMIN, message="only an admin edits the tenant's default dashboard")
        return default_layout(actor.tenant)
    return own_layout(actor) or default_layout(actor.tenant)


def layout_widgets(layout: DashboardLayout) -> list[DashboardWidget]:
    """Return the widgets of ``layout`` in their order."""
    return list(
        DashboardWidget.objects.for_tenant(layout.tenant_id).filter(layout=layout).order_by("position", "pk")
    )


@dataclass(frozen=True)
class EffectiveLayout:
    layout: DashboardLayout
    widgets: list[DashboardWidget]

    @property
    def is_default(self) -> bool:
        return self.layout.is_default


def effective_layout(*, actor: Actor, scope: Scope = "user") -> EffectiveLayout:
    """Return the layout the actor sees in ``scope`` with its widgets, in two queries once it exists."""
    layout = layout_read(actor=actor, scope=scope)
    return EffectiveLayout(layout=layout, widgets=layout_widgets(layout))


def _writable(actor: Actor, scope: Scope) -> DashboardLayout:
    """Return the layout a change in ``scope`` lands on, copying the default on a person's first change."""
    if scope == "tenant":
        return layout_read(actor=actor, scope="tenant")
    layout = own_layout(actor)
    if layout is not None:
        return layout
    default = default_layout(actor.tenant)
    layout = DashboardLayout.objects.create_for(actor.tenant, user=actor.user)
    copies = [
        DashboardWidget(
            tenant=actor.tenant,
            layout=layout,
            key=w.key,
            widget_type=w.widget_type,
            position=w.position,
            x=w.x,
            y=w.y,
            w=w.w,
            h=w.h,
            visible=w.visible,
            config=w.config,
        )
        for w in layout_widgets(default)
    ]
    DashboardWidget.objects.bulk_create(copies)
    return layout


def _touch(actor: Actor, layout: DashboardLayout, change: dict[str, Any]) -> None:
    """Mark ``layout`` changed; a change to the tenant default is audited, since everyone sees it."""
    layout.updated_at = timezone.now()
    layout.save(update_fields=["updated_at"])
    if layout.is_default:
        audit_record(
            tenant=actor.tenant, actor=actor.user, action="dashboard.default_update", obj=layout, after=change
        )


def _widget_in(layout: DashboardLayout, key: str) -> DashboardWidget:
    return DashboardWidget.objects.for_tenant(layout.tenant_id).get(layout=layout, key=key)


def _readable_widget(actor: Actor, scope: Scope, widget_id: int) -> DashboardWidget:
    layout = layout_read(actor=actor, scope=scope)
    widget = DashboardWidget.objects.for_tenant(actor.tenant).filter(layout=layout, pk=widget_id).first()
    if widget is None:
        raise NotFound("widget not found")
    return widget


def widget_get(*, actor: Actor, widget_id: int, scope: Scope = "user") -> DashboardWidget:
    """Return one widget of the layout the actor reads in ``scope``; any other id answers NotFound."""
    return _readable_widget(actor, scope, widget_id)


def require_type(name: str, field: str = "widget_type") -> WidgetType:
    """Return the registered widget type ``name``, or a 422 on ``field`` listing the known ones."""
    widget_type = get_type(name)
    if widget_type is None:
        known = ", ".join(DEFAULT_WIDGETS)
        raise InvalidInput.on(field, f"unknown widget type {name!r}; choose one of {known}")
    return widget_type


def validate_config(
    widget_type: WidgetType, config: dict[str, Any] | None, *, tenant: Tenant | None = None
) -> dict[str, Any]:
    """Return ``config`` checked by the type's schema with defaults filled in, or a 422 naming the key;
    with ``tenant`` (when a widget is saved) also by the type's own check of the tenant's data."""
    model = validated(widget_type.config, config, field="config", what=f"config for {widget_type.name}")
    if tenant is not None and widget_type.check is not None:
        widget_type.check(tenant, model)
    return model.model_dump(mode="json")


@transaction.atomic
def widget_add(
    *,
    actor: Actor,
    widget_type: str,
    config: dict[str, Any] | None = None,
    size: Size | None = None,
    visible: bool = True,
    scope: Scope = "user",
) -> DashboardWidget:
    """Add a widget at the end of the layout, below everything else; returns it."""
    registered = require_type(widget_type)
    checked = validate_config(registered, config, tenant=actor.tenant)
    layout = _writable(actor, scope)
    existing = layout_widgets(layout)
    bottom = max((w.y + w.h for w in existing), default=0)
    w, h = SIZES[size or registered.size]
    widget = DashboardWidget.objects.create_for(
        actor.tenant, layout=layout, key=_new_key(), widget_type=registered.name, position=len(existing),
        x=0, y=bottom, w=w, h=h, visible=visible, config=checked,
    )  # fmt: skip
    _touch(actor, layout, {"added": widget.widget_type, "widget_id": widget.pk})
    return widget


@dataclass(frozen=True)
class WidgetChanges:
    """What a PATCH may change; None leaves a field as it is."""

    position: int | None = None
    x: int | None = None
    y: int | None = None
    w: int | None = None
    h: int | None = None
    size: Size | None = None
    visible: bool | None = None
    config: dict[str, Any] | None = None


def snapped_size(*, w: int | None, h: int | None, size: Size | None) -> Size | None:
    """Return the size a resize asks for: ``size`` itself, else the nearest to ``w`` (or to ``h`` alone)."""
    if size is not None:
        return size
    if w is not None:
        return size_of(w)
    if h is not None:
        return min(SIZES, key=lambda name: abs(SIZES[name][1] - h))
    return None


def _place(
    widget: DashboardWidget, *, x: int | None, y: int | None, w: int | None, h: int | None, size: Size | None
) -> None:
    """Move and resize ``widget`` on the grid; a resize snaps to one of the three sizes."""
    snapped = snapped_size(w=w, h=h, size=size)
    if snapped is not None:
        widget.w, widget.h = SIZES[snapped]
    if y is not None:
        widget.y = y
    if x is not None:
        widget.x = x
    # Kept inside the grid whatever the client sent.
    widget.x = min(widget.x, GRID_COLUMNS - widget.w)


def _reorder(layout: DashboardLayout, widget: DashboardWidget, position: int) -> None:
    widgets = [w for w in layout_widgets(layout) if w.pk != widget.pk]
    widgets.insert(max(0, min(position, len(widgets))), widget)
    _renumber(widgets)


def _renumber(widgets: list[DashboardWidget]) -> None:
    for i, w in enumerate(widgets):
        w.position = i
    DashboardWidget.objects.bulk_update(widgets, ["position"])


@transaction.atomic
def widget_update(
    *, actor: Actor, widget_id: int, changes: WidgetChanges, scope: Scope = "user"
) -> DashboardWidget:
    """Apply ``changes`` to a widget of the layout the actor reads; a person's first change copies the
    default layout first. Returns the changed widget (on the person's own layout)."""
    target = _readable_widget(actor, scope, widget_id)
    config = None
    if changes.config is not None:
        config = validate_config(require_type(target.widget_type), changes.config, tenant=actor.tenant)
    layout = _writable(actor, scope)
    widget = _widget_in(layout, target.key)
    _place(widget, x=changes.x, y=changes.y, w=changes.w, h=changes.h, size=changes.size)
    if changes.visible is not None:
        widget.visible = changes.visible
    if config is not None:
        widget.config = config
    widget.updated_at = timezone.now()
    widget.save()
    if changes.position is not None:
        _reorder(layout, widget, changes.position)
    _touch(actor, layout, {"changed": widget.widget_type, "widget_id": widget.pk})
    return widget


@transaction.atomic
def widget_delete(*, actor: Actor, widget_id: int, scope: Scope = "user") -> None:
    """Remove a widget from the layout the actor reads; the others close up the gap in position."""
    target = _readable_widget(actor, scope, widget_id)
    layout = _writable(actor, scope)
    _widget_in(layout, target.key).delete()
    _renumber(layout_widgets(layout))
    _touch(actor, layout, {"removed": target.widget_type, "widget_id": target.pk})


@dataclass(frozen=True)
class Placement:
    """One widget's place in a saved grid."""

    id: int
    x: int
    y: int
    w: int
    h: int
    visible: bool = True


@transaction.atomic
def layout_save(*, actor: Actor, placements: Sequence[Placement], scope: Scope = "user") -> EffectiveLayout:
    """Save the whole grid in one call: every widget of the layout, each with its place.

    The order of ``placements`` becomes the widgets' positions. An id that is not a widget of the layout
    the actor reads is a 422 naming it; a widget left out is a 422 too, so a stale page cannot drop
    widgets by accident (remove them with DELETE).
    """
    current = layout_read(actor=actor, scope=scope)
    by_id = {w.pk: w for w in layout_widgets(current)}
    seen: set[int] = set()
    for i, placement in enumerate(placements):
        if placement.id not in by_id:
            raise InvalidInput.on(f"widgets.{i}.id", f"no widget with id {placement.id} on this dashboard")
        if placement.id in seen:
            raise InvalidInput.on(f"widgets.{i}.id", f"widget {placement.id} is listed twice")
        seen.add(placement.id)
    missing = sorted(set(by_id) - seen)
    if missing:
        raise InvalidInput.on(
            "widgets", f"every widget must be placed; missing {', '.join(map(str, missing))}"
        )
    layout = _writable(actor, scope)
    mine = {w.key: w for w in layout_widgets(layout)}
    ordered: list[DashboardWidget] = []
    for i, placement in enumerate(placements):
        widget = mine[by_id[placement.id].key]
        _place(widget, x=placement.x, y=placement.y, w=placement.w, h=placement.h, size=None)
        widget.visible = placement.visible
        widget.position = i
        widget.updated_at = timezone.now()
        ordered.append(widget)
    DashboardWidget.objects.bulk_update(ordered, ["x", "y", "w", "h", "visible", "position", "updated_at"])
    _touch(actor, layout, {"saved": len(ordered)})
    return EffectiveLayout(layout=layout, widgets=ordered)


@transaction.atomic
def layout_reset(*, actor: Actor, scope: Scope = "user") -> EffectiveLayout:
    """Drop the actor's own layout so they follow the tenant default again, or (admins, ``scope="tenant"``)
    put the tenant default back to Leora's ten widgets; returns the layout now read in ``scope``."""
    if scope == "tenant":
        default = layout_read(actor=actor, scope="tenant")
        audit_record(
            tenant=actor.tenant, actor=actor.user, action="dashboard.default_update", obj=default,
            after={"reset": True},
        )  # fmt: skip
        default.delete()
        return effective_layout(actor=actor, scope="tenant")
    DashboardLayout.objects.for_tenant(actor.tenant).filter(user_id=actor.user.pk).delete()
    return effective_layout(actor=actor)
