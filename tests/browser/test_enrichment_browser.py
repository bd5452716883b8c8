"""The enrichment page and the customer page's buying-pattern panel in a real browser, at desktop and
phone widths: the RFM segments, the account type changes, Run now, the stored enrichment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.facts import facts_deferred
from leora.crm.models import Customer
from leora.jobs.models import Job
from leora.jobs.processing import process_jobs
from leora.jobs.queue import job_enqueue
from leora.tenancy.calendar import tenant_today
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways ({width}px in {viewport}px)"


VENUES = [
    # name, days since each order, quantities of (Rioja, Sancerre, Hazy IPA) per order
    ("Blue Door Bistro", (2, 9, 16, 23, 30), (12, 6, 0)),
    ("Fig & Vine Wine Shop", (5, 19, 33), (6, 12, 0)),
    ("Harbor Lights Hotel", (3, 10), (24, 24, 10)),
    ("The Copper Still", (70, 120, 170, 220), (0, 2, 20)),
    ("Olive Grove Trattoria", (140, 200), (4, 0, 0)),
    ("Marina Oyster Bar", (1, 15, 29, 43, 57, 71), (2, 18, 0)),
]


@pytest.fixture
def enriched(world: World, unscoped: None, settings: Any) -> dict[str, Customer]:
    """Six accounts with their own rhythms and a prospect, enriched and classified by the real jobs."""
    settings.JOB_SCHEDULE = []
    today = tenant_today(world.acme)
    prices = (("Rioja Reserva 2019", "18.50"), ("Sancerre 2022", "24.00"), ("Hazy IPA 24-pack", "38.00"))
    wines = [factories.make_product(world.acme, name=n, unit_price=Decimal(p)) for n, p in prices]
    book = {}
    with facts_deferred():
        for name, days, quantities in VENUES:
            customer = factories.make_customer(world.acme, world.rep1, name=name, account_type="ACTIVE")
            lines = [(wine, q) for wine, q in zip(wines, quantities, strict=True) if q]
            for day in days:
                factories.make_order(customer, lines, order_date=today - timedelta(days=day))
            book[name] = customer
        book["Sunset Tap Room"] = factories.make_customer(world.acme, world.rep1, name="Sunset Tap Room")
    # Each order enqueued its customer's enrichment; the tenant-wide run covers them all.
    Job.objects.filter(type="customer_enrichment").delete()
    for job_type in ("customer_enrichment", "account_type_update"):
        job_enqueue(job_type=job_type, tenant=world.acme)
        process_jobs(max_jobs=1, types=[job_type])
    return book


def test_the_enrichment_page_at_both_widths(
    world: World, enriched: Any, desktop: Any, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    sign_in(desktop, "admin@acme.test")
    desktop.goto("/enrichment/")
    segments = desktop.get_by_test_id("rfm-segments")
    assert segments.get_by_role("row", name="Champions").is_visible()
    assert desktop.get_by_test_id("job-last-run").first.inner_text().endswith("7 accounts")
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
