"""Helpers every page uses: full page or htmx fragment, page-number pagination, links that keep filters."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from leora import converters  # noqa: F401  (registers the <id:...> converter of page URLs)
from leora.errors import DomainError, Forbidden
from leora.tenancy.actors import Actor

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def wants_fragment(request: HttpRequest) -> bool:
    """Return True when htmx asked for a piece of the page rather than the whole page.

    A history restore (back button after the cache expired) also carries HX-Request, but htmx then
    needs the whole page to put back, so it is answered in full.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str,
    status: int = 200,
) -> HttpResponse:
    """Render ``template``, or only ``fragment`` for an htmx request; the one place this is decided.

    The fragment template sees ``fragment=True`` so it can add out-of-band updates that the full
    page renders in place.
    """
    partial = wants_fragment(request)
    response = render(
        request, fragment if partial else template, {**context, "fragment": partial}, status=status
    )
    # Browsers and proxies must not answer a full-page request with a cached fragment, or back.
    patch_vary_headers(response, ["HX-Request"])
    return response


def url_with(request: HttpRequest, **changes: Any) -> str:
    """Return "?<query>" of the current request with ``changes`` applied; None or "" removes a key."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def int_param(request: HttpRequest, name: str, default: int, *, low: int = 1, high: int | None = None) -> int:
    """Read a positive integer from the query string, falling back to ``default`` on junk."""
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    value = max(low, value)
    return min(value, high) if high is not None else value


@dataclass(frozen=True)
class PageSlice:
    items: list[Any]
    number: int
    num_pages: int
    total: int
    page_size: int
    prev_url: str | None
    next_url: str | None

    @property
    def start_index(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.page_size + 1

    @property
    def end_index(self) -> int:
        return min(self.total, self.number * self.page_size)

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1


def page_slice(request: HttpRequest, queryset: QuerySet[Any], page_size: int | None = None) -> PageSlice:
    """Return the requested page of ``queryset`` in two queries (count, rows).

    A page past the end shows the last page rather than an error: a link shared yesterday may point
    past a list that has since shrunk.
    """
    size = page_size or int_param(request, "page_size", DEFAULT_PAGE_SIZE, high=MAX_PAGE_SIZE)
    total = queryset.count()
    num_pages = max(1, -(-total // size))
    number = min(int_param(request, "page", 1), num_pages)
    start = (number - 1) * size
    items = list(queryset[start : start + size]) if total else []
    return PageSlice(
        items=items,
        number=number,
        num_pages=num_pages,
        total=total,
        page_size=size,
        prev_url=url_with(request, page=number - 1 if number > 2 else None) if number > 1 else None,
        next_url=url_with(request, page=number + 1) if number < num_pages else None,
    )


def actor_of_page(request: HttpRequest) -> Actor:
    """Return the signed-in actor of a page request.

    A user with a session but no membership (removed from their tenant since signing in) sees
    nothing rather than an error page.
    """
    actor = getattr(request, "actor", None)
    if not isinstance(actor, Actor):
        raise PermissionDenied("You are not a member of any team.")
    return actor


def add_event(response: HttpResponse, name: str, value: Any = None) -> HttpResponse:
    """Ask the page to fire event ``name`` on <body> after an htmx request; returns ``response``.

    Kept beside any other events already in HX-Trigger, so several helpers can add their own.
    """
    raw = response.headers.get("HX-Trigger", "") or "{}"
    try:
        events = json.loads(raw)
    except json.JSONDecodeError:
        # The other form of the header: plain event names separated by commas.
        events = {name.strip(): None for name in raw.split(",") if name.strip()}
    if not isinstance(events, dict):
        events = {}
    events[name] = {} if value is None else value
    response["HX-Trigger"] = json.dumps(events)
    return response


def add_toast(response: HttpResponse, text: str, kind: str = "success") -> HttpResponse:
    """Ask the page to show a toast after an htmx request; returns ``response``."""
    return add_event(response, "toast", {"text": text, "kind": kind})


def form_add_domain_errors(
    form: forms.Form,
    exc: DomainError,
    *,
    field_of: Mapping[str, str] | None = None,
    forbidden_field: str | None = None,
) -> None:
    """Show a service's refusal next to the form field it is about.

    ``field_of`` maps the service's field names to the form's (``assigned_to_id`` -> ``assigned_to``);
    ``forbidden_field`` is the one field whose choice a role may be refused (a 403 from the service).
    Errors on fields the form does not have, and errors with no field, go to the top of the form.
    """
    if forbidden_field is not None and isinstance(exc, Forbidden):
        form.add_error(forbidden_field, exc.detail)
        return
    for error in exc.errors:
        name = (field_of or {}).get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.detail)


# The one event a saved form fires on <body>: regions showing data listen with
# hx-trigger="records-changed from:body" and fetch themselves again.
RECORDS_CHANGED = "records-changed"


def form_page(
    request: HttpRequest,
    form_template: str,
    context: dict[str, Any],
    *,
    title: str,
    back_url: str,
    status: int = 200,
) -> HttpResponse:
    """Render a form for the shared modal (htmx), or as a page of its own (no JavaScript).

    ``form_template`` extends components/modal_form.html; an invalid submission is answered with
    the same form, its inline errors and ``status=422``.
    """
    context = {**context, "form_title": title, "back_url": back_url}
    if wants_fragment(request):
        response = render(request, form_template, {**context, "in_modal": True}, status=status)
    else:
        page_context = {**context, "in_modal": False, "form_template": form_template}
        response = render(request, "components/form_page.html", page_context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def form_saved(request: HttpRequest, text: str, *, redirect_to: str) -> HttpResponse:
    """Answer a form saved without error.

    htmx: an empty answer whose events close the modal, show ``text`` as a toast and fire
    RECORDS_CHANGED so the page shows the change. Without htmx: back to ``redirect_to`` with a message.
    """
    if not wants_fragment(request):
        messages.success(request, text)
        return redirect(redirect_to)
    response = HttpResponse(status=200)
    response["HX-Reswap"] = "none"
    add_toast(response, text)
    add_event(response, RECORDS_CHANGED)
    return add_event(response, "form-saved")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Return the form's ``next`` field when it is a path on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


PageView = Callable[..., HttpResponse]


def refusals_as_403(view: PageView) -> PageView:
    """Answer a service's Forbidden as the 403 page, so the services' role checks are the page's too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(exc.detail) from None

    return wrapped
