"""403, 404 and 500 pages: ours, with a way home, whether DEBUG is on (the demo) or off; the API keeps
its JSON errors and the traceback of a server error still reaches the log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from tests.conftest import World

pytestmark = pytest.mark.django_db

NOT_FOUND = "find that page"
FORBIDDEN = "have access to this"
SERVER_ERROR = "Something went wrong on our side"


@pytest.fixture(params=[True, False], ids=["debug", "no-debug"])
def debug(request: Any, settings: Any) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)


def signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_missing_page_is_our_404_with_a_link_home(world: World, debug: bool) -> None:
    response = signed_in(world.rep1).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert NOT_FOUND in html and 'href="/"' in html
    assert "URLconf" not in html and "Traceback" not in html  # none of Django's debug page
    assert "Sign out" in html  # the layout of a signed-in person


def test_a_missing_record_is_our_404(world: World, debug: bool) -> None:
    response = signed_in(world.rep1).get("/customers/999999/")
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


def test_a_page_for_another_role_is_our_403(world: World, debug: bool) -> None:
    response = signed_in(world.rep1).get("/jobs/")
    html = response.content.decode()
    assert response.status_code == 403 and FORBIDDEN in html and 'href="/"' in html


def test_a_signed_out_visitor_gets_the_404_too(client: Client, debug: bool) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


def test_a_path_without_its_slash_is_still_redirected(world: World, settings: Any) -> None:
    settings.DEBUG = True
    response = signed_in(world.rep1).get("/customers")
    assert response.status_code == 301 and response["Location"] == "/customers/"


@pytest.mark.urls("tests.web.error_urls")
def test_a_failing_page_is_our_500_and_its_traceback_is_logged(
    world: World, debug: bool, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = signed_in(world.rep1).get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert SERVER_ERROR in html and 'href="/"' in html and "the ledger is locked" not in html
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None and "the ledger is locked" in str(record.exc_info[1])


def test_the_api_keeps_its_json_errors(world: World, settings: Any, api_as: Any) -> None:
    settings.DEBUG = True
    response = api_as(world.rep1).get("/api/customers/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "customer not found", "errors": []}
