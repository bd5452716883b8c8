"""/api/docs in a browser that can reach nothing but our own server: Swagger UI still renders."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offline(page: Any, live_url: str) -> list[str]:
    """Abort every request to another host; return the list of what was refused."""
    ours = urlparse(live_url).netloc
    refused: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if urlparse(url).netloc == ours or url.startswith("data:"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    page.route("**/*", route)
    return refused


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_api_docs_render_without_internet(
    width: str, request: Any, live_url: str, screenshot: Any
) -> None:
    page = request.getfixturevalue(width)
    refused = offline(page, live_url)
    page.goto("/api/docs")
    page.get_by_role("heading", name="Leora API").first.wait_for()
    page.locator(".opblock-summary-path", has_text="/api/customers").first.wait_for()
    screenshot(page, f"api-docs-{width}", full_page=False)
    assert refused == []
