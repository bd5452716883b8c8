"""Admin pages of metric definitions: the list, the editor with its formula builder and history,
the template gallery, and import/export. The editor saves through the JSON API with the session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from leora.errors import NotFound
from leora.metrics.defaults import TEMPLATES_BY_CODE
from leora.metrics.models import MetricKind
from leora.metrics.selectors import attribute_list, metric_get, metric_history, metric_list, template_list
from leora.pages import actor_of_page, page_slice, render_page
from leora.tenancy.actors import Actor

SEARCH_MAX_LENGTH = 100


def _segments(actor: Actor, exclude: str = "") -> list[str]:
    codes = metric_list(actor=actor, kind=MetricKind.SEGMENT).values_list("code", flat=True).order_by("code")
    return [code for code in codes if code != exclude]


@require_GET
@login_required
def metric_list_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    search = request.GET.get("search", "").strip()[:SEARCH_MAX_LENGTH]
    kind = request.GET.get("kind", "")
    kind = kind if kind in MetricKind.values else ""
    deprecated = request.GET.get("deprecated") == "1"
    definitions = metric_list(actor=actor, search=search, kind=kind or None, include_deprecated=deprecated)
    context = {
        "page": page_slice(request, definitions.order_by("code")),
        "search": search,
        "kind": kind,
        "deprecated": deprecated,
        "kinds": MetricKind.choices,
        "filtered": bool(search or kind or deprecated),
    }
    return render_page(request, "metrics/list.html", context, fragment="metrics/_results.html")


def _editor(
    request: HttpRequest, actor: Actor, definition: Any, prefill: dict[str, Any] | None
) -> HttpResponse:
    history = metric_history(definition=definition) if definition else []
    config = {
        "mode": "edit" if definition else "new",
        "code": definition.code if definition else "",
        "version": definition.current_version if definition else None,
        "canWrite": actor.is_admin,
        "isAdmin": actor.is_admin,
        "attributes": attribute_list(),
        "segments": _segments(actor, exclude=definition.code if definition else ""),
        "initial": (
            {
                "name": definition.name, "description": definition.description, "kind": definition.kind,
                "formula": definition.formula, "unit": definition.unit, "format": definition.format,
            }
            if definition
            else prefill or {**dict.fromkeys(["name", "description", "formula", "unit", "format"], ""),
                             "kind": "segment"}
        ),
    }  # fmt: skip
    context = {"definition": definition, "history": history, "config": config, "can_write": actor.is_admin}
    return render(request, "metrics/editor.html", context)


@require_GET
@login_required
def metric_new_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    if not actor.is_admin:
        raise PermissionDenied("Only admins define metrics.")
    template = TEMPLATES_BY_CODE.get(request.GET.get("template", ""))
    prefill = None
    if template:
        prefill = {**template.as_dict()}
    return _editor(request, actor, None, prefill)


@require_GET
@login_required
def metric_edit_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of_page(request)
    try:
        definition = metric_get(actor=actor, code=code)
    except NotFound:
        raise Http404("No such metric") from None
    return _editor(request, actor, definition, None)


@require_GET
@login_required
def metric_templates_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    return render(
        request,
        "metrics/templates.html",
        {"templates": template_list(actor=actor), "can_write": actor.is_admin},
    )


@require_GET
@login_required
def metric_transfer_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    if not actor.is_admin:
        raise PermissionDenied("Only admins import metrics.")
    return render(request, "metrics/transfer.html", {})


urlpatterns: list[URLPattern] = [
    path("", metric_list_page, name="metric_list"),
    path("new/", metric_new_page, name="metric_new"),
    path("templates/", metric_templates_page, name="metric_templates"),
    path("import/", metric_transfer_page, name="metric_transfer"),
    path("<slug:code>/", metric_edit_page, name="metric_edit"),
]
