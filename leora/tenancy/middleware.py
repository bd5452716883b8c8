"""Request id and tenant resolution for every request."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from leora.tenancy import scoping
from leora.tenancy.actors import actor_for, membership_for
from leora.tenancy.request_context import current_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tag the request with an id (the proxy's X-Request-ID when sane) for logs and audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class TenantMiddleware:
    """Resolve the signed-in user's tenant and role, and scope every query of the request to it.

    API requests authenticate with a bearer token inside django-ninja; their auth activates the
    token's tenant. Either way the scope is cleared when the request ends, so a thread never carries
    one request's tenant into the next.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        with scoping.request_scope():
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                membership = membership_for(user, request.session.get("tenant_id"))
                if membership is not None:
                    request.actor = actor_for(membership)  # type: ignore[attr-defined]
                    scoping.activate(membership.tenant_id)
                    # Pages show times in the tenant's zone (weeks start on Monday there too).
                    timezone.activate(membership.tenant.tzinfo)
            try:
                return self.get_response(request)
            finally:
                timezone.deactivate()
