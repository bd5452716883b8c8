"""Computing a widget's data for a person: its config checked, the reading scope narrowed to one rep when
a manager or admin filters, and the tenant's today.

Widget data is cached (``leora.metrics.cache``, shared by every process) per tenant, viewer, reading
scope, widget type, config and day, under the tenant's three tokens: ``data`` (replaced by any write to
orders, lines, invoices, activities or customers), ``definitions`` (any change to the tenant's metrics,
so the metric versions a widget used are part of its key) and ``dashboard`` (tasks, calendar events,
quotas and products, which widgets show besides metrics). A warm dashboard answers from the cache; the
next write makes every cached widget of the tenant unreachable.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from leora.dashboard.layouts import require_type, validate_config, widget_get
from leora.dashboard.widgets.registry import WidgetContext
from leora.errors import InvalidInput
from leora.metrics import cache
from leora.metrics.evaluation import scope_key
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today

# The token replaced by writes of what widgets show besides metric inputs (see the module docstring).
DASHBOARD_KIND = "dashboard"


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
    ctx = reading_context(actor, rep_id)
    data = cached(
        lambda: data_key(
            ctx,
            actor=actor,
            widget_type=registered.name,
            config=checked,
            fresh_minutes=registered.fresh_minutes,
        ),
        lambda: registered.data(ctx, registered.config.model_validate(checked)),
    )
    return {"widget_type": registered.name, "config": checked, "data": data}


def data_key(
    ctx: WidgetContext,
    *,
    actor: Actor,
    widget_type: str,
    config: dict[str, Any],
    fresh_minutes: int | None = None,
) -> str:
    """Return the cache key of one widget's data as ``actor`` reads it in ``ctx``.

    The viewer takes part besides the scope: some widgets are personal (tasks assigned to you). The
    tokens are read before the data is computed, so data computed while a write commits can only be
    stored under the tokens that write replaces.
    """
    tenant_id = actor.tenant.pk
    tokens = ":".join(cache.tokens(tenant_id, "data", "definitions", DASHBOARD_KIND))
    shape = json.dumps(config, sort_keys=True, default=str)
    digest = hashlib.sha256(shape.encode()).hexdigest()[:16]
    reader = f"{actor.user.pk}:{scope_key(ctx.actor)}"
    # Widgets whose data moves with the clock get a new key every ``fresh_minutes``.
    moment = str(ctx.today) if fresh_minutes is None else str(int(time.time() // (fresh_minutes * 60)))
    return f"leora:dashboard:widget:{tenant_id}:{reader}:{widget_type}:{digest}:{moment}:{tokens}"


def cached(key_of: Callable[[], str], compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Return the data stored under the key ``key_of()`` names, else compute, store and return it."""
    key = key_of()
    found = cache.get(key)
    if found is not None:
        return dict(found)
    data = compute()
    cache.put(key, data)
    return data


def dashboard_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """post_save/post_delete of tasks, calendar events, quotas and products: cached widgets go stale."""
    if not raw:
        cache.bump(DASHBOARD_KIND, instance.tenant_id)
