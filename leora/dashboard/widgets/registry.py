"""The widget types a dashboard can hold: one module each, registered here.

A widget type has a pydantic config schema (unknown keys are an error), a default size, a data
function and a template. ``data(ctx, config)`` returns a JSON-serialisable dict: the API answers it
as is and the widget's template renders it, so page and API show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from leora.tenancy.actors import Actor
from leora.tenancy.models import Tenant

Size = Literal["small", "medium", "large"]
GRID_COLUMNS = 12
# (w, h) of each size on the 12-column grid; resizing snaps to one of these.
SIZES: dict[Size, tuple[int, int]] = {"small": (4, 3), "medium": (6, 4), "large": (12, 5)}


def size_of(w: int) -> Size:
    """Return the size a widget ``w`` columns wide snaps to."""
    if w <= 4:
        return "small"
    if w <= 8:
        return "medium"
    return "large"


class WidgetConfig(BaseModel):
    """Base of every widget's config: unknown keys are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class WidgetContext:
    """What a widget's data is computed for: the reading scope (the viewer, or the one rep a manager
    or admin filtered to) and the tenant's today."""

    actor: Actor
    today: date
    rep_id: int | None = None


DataFunction = Callable[[WidgetContext, Any], dict[str, Any]]
D = TypeVar("D", bound=DataFunction)


@dataclass(frozen=True)
class WidgetType:
    name: str
    title: str
    description: str
    config: type[WidgetConfig]
    data: DataFunction
    template: str
    size: Size = "medium"
    # Data that moves with the clock within a day (events that have started drop out) is cached for at
    # most this many minutes; None: it changes only with the day and with writes.
    fresh_minutes: int | None = None
    # Checks a config against the tenant's data when a widget is saved (a metric code it names exists).
    check: Callable[[Tenant, Any], None] | None = None


_types: dict[str, WidgetType] = {}


def register(
    name: str,
    *,
    title: str,
    description: str,
    config: type[WidgetConfig],
    size: Size = "medium",
    fresh_minutes: int | None = None,
    check: Callable[[Tenant, Any], None] | None = None,
) -> Callable[[D], D]:
    """Decorator registering ``data`` as widget type ``name`` (template ``dashboard/widgets/<name>.html``);
    returns the function unchanged."""

    def decorate(data: D) -> D:
        _types[name] = WidgetType(
            name=name,
            title=title,
            description=description,
            config=config,
            data=data,
            template=f"dashboard/widgets/{name}.html",
            size=size,
            fresh_minutes=fresh_minutes,
            check=check,
        )
        return data

    return decorate


def get_type(name: str) -> WidgetType | None:
    return _types.get(name)


def widget_types() -> list[WidgetType]:
    """Return every registered widget type, in the order of the default layout."""
    return list(_types.values())
