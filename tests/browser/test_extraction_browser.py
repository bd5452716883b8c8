"""Scanning in a real browser: upload a generated business card, wait while it is read, correct a field
and create the contact; the scan pages at desktop and phone widths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import Contact
from leora.extraction.models import Extraction, ExtractionStatus
from leora.extraction.samples import card_sample
from leora.jobs.queue import job_claim
from leora.jobs.runner import run_job
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.factories import actor

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways ({width}px in {viewport}px)"


def _read_queued_scans() -> int:
    """Run the scan jobs waiting in the queue, here in the test's thread, as a worker would."""
    ran = 0
    while claimed := job_claim(worker_id="browser-test", types=["image_extraction"]):
        run_job(claimed[0], worker_id="browser-test")
        ran += 1
    return ran


def test_scanning_a_card_correcting_a_field_and_creating_the_contact(
    world: World, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any, tmp_path: Path
) -> None:
    card = card_sample(seed=3)
    photo = tmp_path / "card.png"
    card.image.save(photo)
    sign_in(desktop, "rep1@acme.test")
    desktop.goto("/scan/")
    desktop.get_by_label("Photos").set_input_files(str(photo))
    desktop.get_by_role("button", name="Scan", exact=True).click()
    desktop.wait_for_url("**/scan/*/")
    desktop.get_by_role("progressbar").wait_for()
    # The upload committed its job; a worker picks it up (here the test's own thread).
    with scopes_disabled():
        assert _read_queued_scans() == 1
    review = desktop.get_by_role("region", name="Check and apply")
    review.wait_for()
    assert desktop.get_by_label("Email").input_value() == card.truth["email"]
    desktop.get_by_label("Title").fill("Chief Sommelier")
    screenshot(desktop, "extraction-review-desktop")
    desktop.get_by_role("button", name="Save contact").click()
    desktop.wait_for_url("**/customers/*/")
    toast_shown(desktop, f"{card.truth['person_name']} added to {card.truth['company']}")
    with scopes_disabled():
        contact = Contact.objects.select_related("customer").get()
    assert (contact.name, contact.title, contact.phone) == (
        card.truth["person_name"], "Chief Sommelier", card.truth["phone"],
    )  # fmt: skip
    assert contact.customer.assigned_rep_id == world.rep1.pk
    screenshot(desktop, "extraction-applied-desktop")


def test_the_scan_pages_on_a_phone(world: World, phone: Any, sign_in: Any, screenshot: Any) -> None:
    # given a card already read (the reading itself is the test above's)
    card = card_sample(seed=3)
    from leora.extraction.services import extraction_create

    with scopes_disabled():
        extraction = extraction_create(
            actor=actor(world.acme, world.rep1), kind="business_card", content=card.encoded("PNG"),
            original_name="IMG_2041.PNG",
        )  # fmt: skip
        fields = {
            name: {"value": value, "confidence": 0.95, "raw": value} for name, value in card.truth.items()
        }
        fields["title"]["confidence"] = 0.55
        Extraction.objects.filter(pk=extraction.pk).update(
            status=ExtractionStatus.COMPLETED, fields=fields, completed_at=timezone.now(), engine="rapidocr"
        )
    sign_in(phone, "rep1@acme.test")
    phone.goto("/scan/")
    phone.get_by_role("link", name="Business card").wait_for()
    _no_sideways_scroll(phone)
    screenshot(phone, "extraction-list-phone")
    phone.get_by_role("link", name="Business card").click()
    phone.get_by_role("region", name="Check and apply").wait_for()
    assert phone.get_by_text("Check · 55% sure").is_visible()
    _no_sideways_scroll(phone)
    screenshot(phone, "extraction-review-phone")
