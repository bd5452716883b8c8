"""A missing page in the browser, with DEBUG on as in the demo: our page, with a way home."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_missing_page_offers_the_way_home(
    width: str, request: Any, world: World, settings: Any, sign_in: Any, screenshot: Any
) -> None:
    settings.DEBUG = True
    page = request.getfixturevalue(width)
    sign_in(page, "rep1@acme.test")
    response = page.goto("/customers/999999/")
    assert response is not None and response.status == 404
    page.get_by_text("find that page").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"not-found-{width}", full_page=False)
    page.get_by_role("link", name="Go to the dashboard").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
