"""Regions that refresh themselves in the background never take the keyboard focus."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import World

pytestmark = pytest.mark.browser

# Counts the polls of /jobs/counts/ that have settled. The flag is raised in a task of its own, so the
# page's own afterSettle handlers (which would move the focus, if any did) have all run by then.
SETTLED_POLLS = """() => {
  window.__countsPollsSettled = 0;
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && xhr.responseURL.includes("/jobs/counts/")) {
      setTimeout(() => { window.__countsPollsSettled += 1; }, 0);
    }
  });
}"""


def test_the_job_counts_poll_leaves_the_focus_where_it_was(
    world: World, desktop: Any, sign_in: Any, live_server: Any
) -> None:
    page = desktop
    # given an admin on the jobs page, whose counts refresh every 5 seconds, with nothing focused
    sign_in(page, "admin@acme.test")
    page.goto(f"{live_server.url}/jobs/")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate(SETTLED_POLLS)

    # when a refresh has replaced the counts and every handler of its settle has run
    page.wait_for_function("window.__countsPollsSettled > 0")

    # then the focus is still on the page, not on the refreshed region
    assert page.evaluate("document.activeElement === document.body")
