from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from leora.tenancy.middleware import RequestIdMiddleware, TenantMiddleware
from leora.tenancy.request_context import current_request_id
from leora.tenancy.scoping import active_tenant_id
from tests.conftest import World

pytestmark = pytest.mark.django_db


def signed_in_request(user: Any) -> HttpRequest:
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = user
    return request


def test_a_signed_in_request_runs_in_the_tenants_scope_and_time_zone(world: World) -> None:
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["zone"] = timezone.get_current_timezone_name()
        seen["tenant"] = active_tenant_id()
        seen["role"] = request.actor.role  # type: ignore[attr-defined]
        return HttpResponse()

    TenantMiddleware(view)(signed_in_request(world.manager))
    assert seen == {"zone": "America/Los_Angeles", "tenant": world.acme.pk, "role": "manager"}
    # Nothing leaks into whatever this thread serves next.
    assert active_tenant_id() is None
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_request_id_comes_from_the_proxy_when_it_is_sane() -> None:
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(current_request_id.get())
        return HttpResponse()

    middleware = RequestIdMiddleware(view)
    response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123"))
    assert seen == ["abc-123"] and response["X-Request-ID"] == "abc-123"
    response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>"))
    assert seen[1] != "<script>" and len(seen[1]) == 32
    assert response["X-Request-ID"] == seen[1]
