"""Our own 403, 404 and 500 pages for people, even with DEBUG on.

Without DEBUG, Django already renders templates/403.html, 404.html and 500.html. With DEBUG on (the
demo, a developer's machine) it would show its technical pages instead: settings, URL patterns and
tracebacks in the browser. For page requests this middleware renders our templates in both modes and
writes the traceback of a server error to the log (the console in development), so a developer loses
nothing and a person trying the product sees a page with a way home. The API (``/api/``) keeps its
JSON errors: django-ninja answers those itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve

log = logging.getLogger("django.request")

API_PREFIX = "/api/"


def is_page_request(request: HttpRequest) -> bool:
    """Return whether ``request`` is for a page (anything outside the JSON API)."""
    return not request.path_info.startswith(API_PREFIX)


def error_page(request: HttpRequest, status: int) -> HttpResponse:
    """Return our page for ``status`` (403, 404 or 500), rendered the way Django's own handlers do."""
    template = loader.get_template(f"{status}.html")
    # The 500 page needs no context, so a failure in the code behind the layout cannot break it too.
    body = template.render() if status == 500 else template.render({}, request)
    return HttpResponse(body, status=status)


class ErrorPagesMiddleware:
    """With DEBUG on, answer page requests' 403, 404 and 500 with our templates instead of Django's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG and is_page_request(request):
            # A path no URL matches never reaches a view (nor process_exception); CommonMiddleware,
            # which runs outside this one, still turns a 404 for "/customers" into a redirect to
            # "/customers/" when that exists.
            try:
                resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
            except Resolver404:
                return error_page(request, 404)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or not is_page_request(request):
            return None
        if isinstance(exception, Http404):
            return error_page(request, 404)
        if isinstance(exception, PermissionDenied):
            return error_page(request, 403)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return None  # a 400: Django's own handling stays
        log.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"request": request})
        response = error_page(request, 500)
        # Django logs every 5xx once more without the traceback unless it is marked as logged.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
