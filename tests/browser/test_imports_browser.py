"""Imports in a real browser: upload a CSV, check the guessed columns, import it skipping its two bad
rows, and download the error report; the pages at desktop and phone widths."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from leora.crm.models import Customer
from leora.jobs.processing import process_jobs
from tests.conftest import World

pytestmark = pytest.mark.browser

FILE = """Account number;Customer name;City;Email
C-100;Blue Door Bistro;Napa;owner@bluedoor.test
C-101;;Sonoma;
C-102;Harbor Lights Hotel;Sausalito;frontdesk@harbor
C-103;Olive Grove Trattoria;Berkeley;
C-104;Café Zoë;Montréal;
"""


@pytest.fixture(autouse=True)
def _no_schedule(settings: Any) -> None:
    settings.JOB_SCHEDULE = []


def _upload(page: Any, path: Path) -> None:
    page.goto("/imports/")
    page.get_by_label("The file holds").select_option("customers")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and map columns").click()
    page.get_by_role("heading", name="Columns").wait_for()


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"the page scrolls sideways ({width}px)"


def _run_the_job(page: Any) -> None:
    page.get_by_test_id("import-status").wait_for()
    process_jobs(max_jobs=5, types=["bulk_import"])
    page.get_by_test_id("count-created").wait_for()


def test_skip_bad_rows_imports_the_rest_and_the_error_report_lists_the_two(
    world: World, desktop: Any, sign_in: Any, screenshot: Any, tmp_path: Path
) -> None:
    page = desktop
    path = tmp_path / "customers.csv"
    path.write_bytes(FILE.encode("cp1252"))
    sign_in(page, "admin@acme.test")

    # given the file uploaded, its columns guessed from their headers
    _upload(page, path)
    assert page.get_by_label("Customer name").input_value() == "name"
    assert page.get_by_label("Account number").input_value() == "account_number"
    assert page.get_by_role("cell", name="Café Zoë").is_visible()
    screenshot(page, "imports-mapping-desktop")

    # when it is imported skipping bad rows
    page.get_by_label("Skip it, import the rest").check()
    page.get_by_role("button", name="Import", exact=True).click()
    _run_the_job(page)

    # then the good rows are in, the result says so, and the report holds the two bad rows and why
    assert page.get_by_test_id("count-created").text_content() == "3"
    assert page.get_by_test_id("count-skipped").text_content() == "2"
    assert sorted(Customer.objects.for_tenant(world.acme).values_list("account_number", flat=True)) == [
        "C-100", "C-103", "C-104",
    ]  # fmt: skip
    screenshot(page, "imports-result-desktop")
    with page.expect_download() as caught:
        page.get_by_test_id("error-report").click()
    report = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(report))) == [
        ["row", "problem", "Account number", "Customer name", "City", "Email"],
        ["3", "Customer name: is empty; every row needs it", "C-101", "", "Sonoma", ""],
        [
            "4",
            "Email: enter a valid email address",
            "C-102",
            "Harbor Lights Hotel",
            "Sausalito",
            "frontdesk@harbor",
        ],
    ]
    page.goto("/imports/")
    page.get_by_role("link", name="customers.csv").wait_for()
    screenshot(page, "imports-list-desktop")
    _no_sideways_scroll(page)


def test_the_import_pages_on_a_phone(
    world: World, phone: Any, sign_in: Any, screenshot: Any, tmp_path: Path
) -> None:
    page = phone
    path = tmp_path / "customers.csv"
    path.write_text(FILE, encoding="utf-8")
    sign_in(page, "admin@acme.test")
    page.goto("/imports/")
    screenshot(page, "imports-list-phone")
    _no_sideways_scroll(page)

    _upload(page, path)
    screenshot(page, "imports-mapping-phone")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Dry run").click()
    _run_the_job(page)

    assert page.get_by_test_id("count-created").text_content() == "3"
    assert Customer.objects.for_tenant(world.acme).count() == 0
    screenshot(page, "imports-result-phone")
    _no_sideways_scroll(page)
