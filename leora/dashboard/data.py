"""Computing a widget's data for a person: its config checked, the reading scope narrowed to one rep when
a manager or admin filters, and the tenant's today."""

from __future__ import annotations

from typing import Any

from leora.dashboard.layouts import require_type, validate_config, widget_get
from leora.dashboard.widgets.registry import WidgetContext
from leora.errors import InvalidInput
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today


def reading_scope(actor: Actor, rep_id: int | None) -> Actor:
    """Return the scope a dashboard reads for ``actor``: their own, or one visible rep's book.

    A rep's dashboard is always their own book; a manager may filter to someone in their team, an admin
    to anyone in the tenant (a 422 on ``rep_id`` otherwise).
    """
    if rep_id is None or (actor.is_rep and rep_id == actor.user.pk):
        return actor
    if actor.is_rep:
        raise InvalidInput.on("rep_id", "a sales rep's dashboard shows their own book only")
    if not actor.can_see_user(rep_id) or not actor.tenant.memberships.filter(user_id=rep_id).exists():
        raise InvalidInput.on("rep_id", f"no one with id {rep_id} in your team")
    return actor.narrowed_to(rep_id)


def reading_context(actor: Actor, rep_id: int | None) -> WidgetContext:
    """Return what dashboard numbers are computed for: the reading scope and the tenant's today."""
    return WidgetContext(actor=reading_scope(actor, rep_id), today=tenant_today(actor.tenant), rep_id=rep_id)


def widget_data(
    *,
    actor: Actor,
    widget_type: str,
    widget_id: int | None = None,
    config: dict[str, Any] | None = None,
    rep_id: int | None = None,
) -> dict[str, Any]:
    """Return ``{"widget_type", "config", "data"}`` for one widget type as ``actor`` sees it.

    The config is that of widget ``widget_id`` on the actor's dashboard (404 for anyone else's, 422 for
    a widget of another type), else ``config``, else the type's defaults; it is checked by the type's
    schema (a 422 naming the key). The data function reads through the same selectors as the API lists,
    so every number matches what the lists show.
    """
    registered = require_type(widget_type)
    if widget_id is not None:
        widget = widget_get(actor=actor, widget_id=widget_id)
        if widget.widget_type != registered.name:
            raise InvalidInput.on("widget_id", f"widget {widget.pk} is a {widget.widget_type} widget")
        config = widget.config
    checked = validate_config(registered, config)
    data = registered.data(reading_context(actor, rep_id), registered.config.model_validate(checked))
    return {"widget_type": registered.name, "config": checked, "data": data}
