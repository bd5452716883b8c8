"""The reports page: the form, the list with progress, and downloads through the page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from leora.reports.models import Report
from tests.conftest import World
from tests.reports.conftest import Book, run_reports

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(book: Book, **changes: Any) -> dict[str, Any]:
    return {"type": "sales_by_rep", "format": "csv", **book.range, "rep": "", "customer": "", **changes}


def test_the_page_offers_a_manager_their_reps(world: World, book: Book) -> None:
    page = signed_in(world.manager).get("/reports/").content.decode()
    assert "New report" in page and "No reports yet" in page
    assert "Rep1" in page and "Rep2" in page and "Rep3" not in page


def test_requesting_from_the_page_lists_the_report_and_shows_a_toast(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    response = client.post("/reports/new/", form(book), headers=HTMX)
    assert response.status_code == 200
    assert "Sales by rep and week requested" in json.loads(response["HX-Trigger"])["toast"]["text"]
    listed = client.get("/reports/", headers=HTMX).content.decode()
    assert "Queued" in listed and 'hx-trigger="records-changed from:body, every 2s"' in listed
    run_reports()
    listed = client.get("/reports/", headers=HTMX).content.decode()
    report = Report.objects.get()
    assert "Ready" in listed and f"/reports/{report.pk}/download/" in listed and "every 2s" not in listed


def test_a_refusal_shows_next_to_its_field_with_a_422(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    response = client.post("/reports/new/", form(book, date_to=book.days(61).isoformat()), headers=HTMX)
    assert response.status_code == 422
    assert "the end date is before the start date" in response.content.decode()
    response = client.post("/reports/new/", form(book, type="customer_statement"), headers=HTMX)
    assert response.status_code == 422 and "needs a customer" in response.content.decode()
    assert not Report.objects.exists()


def test_without_javascript_the_form_redirects_back_to_the_list(world: World, book: Book) -> None:
    response = signed_in(world.admin).post("/reports/new/", form(book, format="xlsx"))
    assert response.status_code == 302 and response["Location"] == "/reports/"


def test_the_page_downloads_a_ready_report_as_an_attachment(world: World, book: Book) -> None:
    client = signed_in(world.manager)
    client.post("/reports/new/", form(book, rep=str(world.rep1.pk)), headers=HTMX)
    run_reports()
    report = Report.objects.get()
    response = client.get(f"/reports/{report.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sales-by-rep-')
    assert signed_in(world.rep1).get(f"/reports/{report.pk}/download/").status_code == 200  # their book
    assert signed_in(world.rep2).get(f"/reports/{report.pk}/download/").status_code == 404
    assert signed_in(world.other_admin).get(f"/reports/{report.pk}/download/").status_code == 404
    assert "No reports yet" in signed_in(world.other_admin).get("/reports/").content.decode()
