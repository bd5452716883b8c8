"""The dashboard page at ``/``: the shell renders on the server with every widget's frame in its place;
each widget's body then loads on its own (htmx) from the same data functions the API answers, so the page
and /api/dashboard/widgets show the same numbers. Layout changes go through the JSON API from
dashboard-grid.js.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from leora.dashboard.data import reading_scope, widget_data
from leora.dashboard.layouts import Scope, effective_layout, widget_get
from leora.dashboard.models import DashboardWidget
from leora.dashboard.widgets.registry import GRID_COLUMNS, SIZES, WidgetType, get_type, size_of
from leora.errors import DomainError, FieldError, InvalidInput, NotFound
from leora.pages import actor_of_page
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import User
from leora.tenancy.selectors.members import assignable_people

logger = logging.getLogger(__name__)

# Height of one grid row in pixels; dashboard.css and dashboard-grid.js use the same figure.
CELL_HEIGHT = 88


@dataclass(frozen=True)
class Filters:
    """What the page and every widget body are read for: whose layout, and whose book."""

    scope: Scope
    rep_id: int | None

    def query(self, **extra: Any) -> str:
        """Return "?rep_id=…&scope=…" for links that keep the filters ("" when there are none)."""
        params = {"rep_id": self.rep_id, "scope": "tenant" if self.scope == "tenant" else None, **extra}
        kept = {k: v for k, v in params.items() if v is not None}
        return f"?{urlencode(kept)}" if kept else ""

    @property
    def rep_query(self) -> str:
        """Return "?rep_id=N" for drilldown links, which know nothing of layouts."""
        return f"?rep_id={self.rep_id}" if self.rep_id else ""


def _filters(request: HttpRequest, actor: Actor) -> Filters:
    """Return the page's filters from the query string; junk is a 422 naming the parameter."""
    raw_scope = request.GET.get("scope", "user") or "user"
    if raw_scope not in ("user", "tenant"):
        raise InvalidInput.on("scope", "scope is user or tenant")
    if raw_scope == "tenant" and not actor.is_admin:
        raise InvalidInput.on("scope", "only an admin edits the tenant's default dashboard")
    raw_rep = request.GET.get("rep_id", "")
    rep_id: int | None = None
    if raw_rep:
        if not raw_rep.isdigit() or not 0 < int(raw_rep) < 2**63:
            raise InvalidInput.on("rep_id", f"rep_id must be a person's id, not {raw_rep[:40]!r}")
        rep_id = int(raw_rep)
    return Filters(scope="tenant" if raw_scope == "tenant" else "user", rep_id=rep_id)


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Return the page's answer to a bad filter: the message, next to the field it is about."""
    errors = exc.errors or [FieldError("", exc.detail)]
    return render(request, "dashboard/refused.html", {"errors": errors}, status=exc.status)


@dataclass(frozen=True)
class Card:
    """One widget's frame on the page: the placed widget, its registered type (None once a type is
    retired) and its size name."""

    widget: DashboardWidget
    type: WidgetType | None

    @property
    def size(self) -> str:
        return size_of(self.widget.w)

    @property
    def title(self) -> str:
        return self.type.title if self.type else "Retired widget"

    @property
    def configurable(self) -> bool:
        return bool(self.type and self.type.config.model_fields)


def _card_context(filters: Filters, widget: DashboardWidget) -> dict[str, Any]:
    return {"card": Card(widget=widget, type=get_type(widget.widget_type)), "filters": filters}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The shell: the header, the rep filter, and each widget's frame where the layout puts it.

    Four queries after the session's: the layout (two while the person follows the default), its
    widgets, and the people a manager or admin may filter to.
    """
    actor = actor_of_page(request)
    try:
        filters = _filters(request, actor)
        if filters.rep_id is not None:
            reading_scope(actor, filters.rep_id)
    except DomainError as exc:
        return _refused(request, exc)
    layout = effective_layout(actor=actor, scope=filters.scope)
    cards = [Card(widget=w, type=get_type(w.widget_type)) for w in layout.widgets]
    visible = [c for c in cards if c.widget.visible]
    people: list[User] = list(assignable_people(actor=actor)) if actor.leads_people else []
    rows = max((c.widget.y + c.widget.h for c in visible), default=0)
    context = {
        "cards": visible,
        "hidden_cards": [c for c in cards if not c.widget.visible],
        "filters": filters,
        "source": "default" if layout.is_default else "own",
        "people": people,
        "rep": next((p for p in people if p.pk == filters.rep_id), None),
        "today": tenant_today(actor.tenant),
        "grid_height": rows * CELL_HEIGHT,
        "cell_height": CELL_HEIGHT,
        "columns": GRID_COLUMNS,
        "sizes": SIZES,
    }
    return render(request, "dashboard/index.html", context)


def _body(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # A widget body is a fragment of the page: never cache it as the page itself.
    response["Cache-Control"] = "no-store"
    return response


def _error_body(request: HttpRequest, message: str, status: int, retry_url: str | None) -> HttpResponse:
    return _body(
        request, "dashboard/_widget_error.html", {"message": message, "retry_url": retry_url}, status=status
    )


def _render_widget(
    request: HttpRequest, actor: Actor, filters: Filters, widget_type: str, config: dict[str, Any] | None,
    widget: DashboardWidget | None, retry_url: str,
) -> HttpResponse:  # fmt: skip
    """Render one widget's body from its data dict, or its own error (never the whole page's)."""
    registered = get_type(widget_type)
    if registered is None:
        return _error_body(request, "This kind of widget is no longer available. Remove it.", 404, None)
    try:
        result = widget_data(actor=actor, widget_type=widget_type, config=config, rep_id=filters.rep_id)
    except DomainError as exc:
        return _error_body(request, exc.detail, exc.status, retry_url)
    except Exception:
        # One broken widget must not take the page down; the log keeps the traceback.
        logger.exception("dashboard widget %s failed", widget_type)
        return _error_body(request, "This widget could not load its numbers.", 500, retry_url)
    context = {
        "widget": widget,
        "widget_type": registered,
        "data": result["data"],
        "config": result["config"],
        "filters": filters,
        "rep_query": filters.rep_query,
        "today": tenant_today(actor.tenant),
    }
    return _body(request, registered.template, context)


@login_required
@require_GET
def widget_body(request: HttpRequest, widget_id: int) -> HttpResponse:
    """One placed widget's body, computed with its config for the page's scope and rep filter."""
    actor = actor_of_page(request)
    try:
        filters = _filters(request, actor)
    except DomainError as exc:
        return _error_body(request, exc.detail, exc.status, None)
    try:
        widget = widget_get(actor=actor, widget_id=widget_id, scope=filters.scope)
    except NotFound:
        # Answered as a widget error, not the 404 page, since it is swapped into a card.
        return _error_body(request, "This widget is no longer on this dashboard. Reload the page.", 404, None)
    retry = request.path + filters.query()
    return _render_widget(request, actor, filters, widget.widget_type, widget.config, widget, retry)


@login_required
@require_GET
def widget_card(request: HttpRequest, widget_id: int) -> HttpResponse:
    """One placed widget's frame, for a widget the page has just added."""
    actor = actor_of_page(request)
    try:
        filters = _filters(request, actor)
        widget = widget_get(actor=actor, widget_id=widget_id, scope=filters.scope)
    except NotFound:
        raise Http404("widget not found") from None
    except DomainError as exc:
        return _error_body(request, exc.detail, exc.status, None)
    return _body(request, "dashboard/_card.html", _card_context(filters, widget))


@login_required
@require_GET
def widget_preview(request: HttpRequest, widget_type: str) -> HttpResponse:
    """A widget type's body with its default config and the viewer's real data, for the widget library."""
    actor = actor_of_page(request)
    try:
        filters = _filters(request, actor)
    except DomainError as exc:
        return _error_body(request, exc.detail, exc.status, None)
    if get_type(widget_type) is None:
        raise Http404("no such widget type")
    retry = request.path + filters.query()
    return _render_widget(request, actor, filters, widget_type, None, None, retry)
