"""Regions that refresh themselves in the background never take the keyboard focus."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World

pytestmark = pytest.mark.browser


def test_the_job_counts_poll_leaves_the_focus_where_it_was(
    world: World, desktop: Any, sign_in: Any, live_server: Any
) -> None:
    page = desktop
    # given an admin on the jobs page, whose counts refresh every 5 seconds, with nothing focused
    sign_in(page, "admin@acme.test")
    page.goto(f"{live_server.url}/jobs/")
    page.evaluate("document.activeElement && document.activeElement.blur()")

    # when a refresh has replaced the counts
    with page.expect_response(lambda response: "/jobs/counts/" in response.url, timeout=15_000):
        pass
    page.wait_for_timeout(300)

    # then the focus is still on the page, not on the refreshed region
    assert page.evaluate("document.activeElement === document.body")
