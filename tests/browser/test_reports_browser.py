"""The Reports page at both widths: request a report, watch it go from queued to ready, download it."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from leora.crm.facts import facts_deferred
from leora.jobs.processing import process_jobs
from tests.conftest import World
from tests.reports.conftest import Book, write_book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def book(world: World, unscoped: None) -> Book:
    """The small book the reports' own tests check figures against (tests/reports/conftest.py)."""
    with facts_deferred():
        return write_book(world)


def _request(page: Any, report: str, file_format: str, toast_shown: Any) -> None:
    page.goto("/reports/")
    form = page.get_by_role("region", name="New report")
    form.get_by_label("Report").select_option(label=report)
    form.get_by_label("Whose book").select_option(label="Rep1")
    form.get_by_label("Format").select_option(file_format)
    form.get_by_role("button", name="Request report").click()
    toast_shown(page, "requested")
    page.locator("#report-results").get_by_text("Queued").wait_for()


def _download(page: Any, extension: str) -> Path:
    # The job runs here, for real; the list polls every 2 s until it shows the file.
    process_jobs(max_jobs=5, types=["report_generation"])
    link = page.get_by_role("link", name="Download")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(extension)
    return Path(download.value.path())


def test_a_manager_requests_a_workbook_and_downloads_it_on_a_desktop(
    world: World, book: Book, desktop: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    sign_in(desktop, "manager@acme.test")
    _request(desktop, "Sales by rep and week", "xlsx", toast_shown)
    screenshot(desktop, "reports-queued-desktop")
    path = _download(desktop, ".xlsx")
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    assert sheet["A1"].value == "Acme Wines" and sheet["A5"].value == "Rep"
    assert {row[0] for row in sheet.iter_rows(min_row=6, values_only=True)} == {"Rep1", "Total"}
    assert desktop.locator("#report-results").get_by_text("Ready").is_visible()
    assert desktop.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(desktop, "reports-desktop")


def test_a_statement_on_a_phone(
    world: World, book: Book, phone: Any, sign_in: Any, toast_shown: Any, screenshot: Any
) -> None:
    sign_in(phone, "rep1@acme.test")
    phone.goto("/reports/")
    form = phone.get_by_role("region", name="New report")
    assert not form.get_by_label("Customer", exact=True).is_visible()
    form.get_by_label("Report").select_option(label="Customer statement")
    customer = form.get_by_label("Customer", exact=True)
    birch = book.customers["birch"]
    customer.select_option(label=f"{birch.name} · {birch.account_number}")
    form.get_by_label("Format").select_option("csv")
    form.get_by_role("button", name="Request report").click()
    toast_shown(phone, "Customer statement requested")
    path = _download(phone, ".csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    # The default period is the last 30 days: Birch's invoice (T-45) opens it, its payment (T-20) is in it.
    assert [(r["Entry"], r["Balance"]) for r in rows[:3]] == [
        ("Opening balance", "300.00"), ("Payment", "200.00"), ("Closing balance", "200.00"),
    ]  # fmt: skip
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "reports-phone")
