"""The one NinjaAPI: mounts each app's router and turns every error into the same JSON body."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from leora.api_input import ApiParser
from leora.callplan.api import router as callplan_router
from leora.crm.api import router as crm_router
from leora.dashboard.api import router as dashboard_router
from leora.dashboard.sales_api import router as sales_router
from leora.enrichment.api import router as enrichment_router
from leora.errors import DomainError
from leora.extraction.api import router as extraction_router
from leora.imports.api import router as imports_router
from leora.jobs.api import router as jobs_router
from leora.metrics.api import router as metrics_router
from leora.notifications.api import router as notifications_router
from leora.notifications.preferences_api import router as notification_preferences_router
from leora.reports.api import router as reports_router
from leora.team.api import router as team_router
from leora.tenancy.api import router as tenancy_router
from leora.tenancy.auth import API_AUTH
from leora.webhooks.api import router as webhooks_router

log = logging.getLogger(__name__)


class LocalSwagger(Swagger):
    """Swagger UI from our own static files (npm's swagger-ui-dist), so /api/docs works offline.

    django-ninja falls back to a CDN unless ``ninja`` is an installed app; ours renders our template.
    """

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # SessionActorAuth is CSRF-checked, so "Try it out" from a signed-in browser sends the token.
        context = {"swagger_settings": json.dumps(settings), "api": api, "add_csrf": True}
        return render(request, self.template, context)


api = NinjaAPI(
    title="Leora API",
    version="1",
    description="Multi-tenant sales CRM for beverage distributors. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `leora create_api_token --email E`).",
    auth=API_AUTH,
    docs=LocalSwagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=ApiParser(),
)

# Where pydantic reports a location, these leading parts say where the value came from, not which field.
_LOCATION_PREFIXES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATION_PREFIXES:
        source = parts.pop(0)
        # A body is one named parameter (``payload``); the field is what follows it.
        if source == "body" and len(parts) > 1:
            parts.pop(0)
    return ".".join(parts) or "body"


def _error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "invalid"))} for e in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "Invalid input"
    return api.create_response(request, _error_body(detail, errors), status=422)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return api.create_response(request, _error_body(exc.detail, errors), status=exc.status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, _error_body("Not found"), status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, _error_body("Authentication required: send Authorization: Bearer <token>"), status=401
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja wraps whatever the body parser raises in a 400; ours says what it refused and how.
    if isinstance(exc.__cause__, DomainError):
        return _domain_error(request, exc.__cause__)
    return api.create_response(request, _error_body(str(exc)), status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    detail = "The request body is larger than this server accepts"
    return api.create_response(request, _error_body(detail), status=413)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The last wall behind ApiParser and the schemas (a number in the URL's path, say): the database
    # refused a value, the transaction is rolled back, and the caller hears it was their input.
    log.info("event=api.out_of_range path=%s error=%s", request.path, exc)
    return api.create_response(
        request, _error_body("A value in the request is out of range for this server"), status=422
    )


api.add_router("/", tenancy_router)
api.add_router("/", crm_router)
api.add_router("/metrics", metrics_router, tags=["metrics"])
api.add_router("/jobs", jobs_router, tags=["jobs"])
api.add_router("/users", team_router, tags=["users"])
api.add_router("/notifications", notifications_router, tags=["notifications"])
api.add_router("/me/notification-preferences", notification_preferences_router, tags=["notifications"])
api.add_router("/extractions", extraction_router, tags=["extractions"])
api.add_router("/imports", imports_router, tags=["imports"])
api.add_router("/reports", reports_router, tags=["reports"])
api.add_router("/webhooks", webhooks_router, tags=["webhooks"])
api.add_router("/enrichment", enrichment_router, tags=["enrichment"])
api.add_router("/callplan", callplan_router, tags=["callplan"])
api.add_router("/dashboard/widgets", dashboard_router, tags=["dashboard"])
api.add_router("/sales/dashboard", sales_router, tags=["dashboard"])
