"""The enrichment page and the customer page's buying-pattern panel in a real browser, at desktop and
phone widths: the RFM segments, the account type changes, Run now, the stored enrichment."""

from __future__ import annotations

from typing import Any

import pytest

from leora.jobs.models import Job
from leora.jobs.processing import process_jobs
from leora.jobs.queue import job_enqueue
from tests.conftest import World

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways ({width}px in {viewport}px)"


@pytest.fixture
def enriched(world: World, sample_book: dict[str, Any], settings: Any) -> dict[str, Any]:
    settings.JOB_SCHEDULE = []
    # The book's orders each enqueued their customer's enrichment; the nightly run covers them all.
    Job.objects.filter(type="customer_enrichment").delete()
    for job_type in ("customer_enrichment", "account_type_update"):
        job_enqueue(job_type=job_type, tenant=world.acme)
        process_jobs(max_jobs=1, types=[job_type])
    return sample_book


def test_the_enrichment_page_at_both_widths(
    world: World, enriched: Any, desktop: Any, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    sign_in(desktop, "admin@acme.test")
    desktop.goto("/enrichment/")
    segments = desktop.get_by_test_id("rfm-segments")
    assert segments.get_by_role("row", name="Champions").is_visible()
    assert desktop.get_by_test_id("account-type-change").count() > 0
    screenshot(desktop, "enrichment-desktop")

    desktop.get_by_test_id("run-account_type_update").click()
    toast_shown(desktop, "Account types queued")
    assert Job.objects.filter(type="account_type_update", status="pending").count() == 1

    sign_in(phone, "manager@acme.test")
    phone.goto("/enrichment/")
    assert phone.get_by_test_id("rfm-segments").is_visible()
    assert phone.get_by_role("button", name="Run now").count() == 0
    _no_sideways_scroll(phone)
    screenshot(phone, "enrichment-phone")


def test_the_customer_panel_at_both_widths(
    world: World, enriched: Any, desktop: Any, phone: Any, sign_in: Any, screenshot: Any
) -> None:
    customer = enriched["Blue Door Bistro"]
    for page, name in ((desktop, "desktop"), (phone, "phone")):
        sign_in(page, "rep1@acme.test")
        page.goto(f"/customers/{customer.pk}/")
        panel = page.get_by_test_id("enrichment-panel")
        panel.scroll_into_view_if_needed()
        assert panel.get_by_test_id("enrichment-segment").is_visible()
        assert panel.get_by_test_id("enrichment-product").count() >= 1
        assert panel.get_by_test_id("enrichment-weekday").inner_text().strip()
        _no_sideways_scroll(page)
        panel.screenshot(path=str(screenshot(page, f"enrichment-customer-{name}").with_suffix(".panel.png")))
