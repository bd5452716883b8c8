"""PDF reports: a document with the tenant's name, its figures, and charts drawn as SVG on the server.

WeasyPrint's first render costs a second or two, so two reports are rendered to PDF here; the text of
the others is checked in the HTML they are rendered from.
"""

from __future__ import annotations

from typing import Any

import pytest

from leora.reports.builders import BUILDERS, ReportRequest
from leora.reports.writers import Heading, pdf_html
from leora.tenancy.calendar import tenant_today
from tests import factories
from tests.conftest import World
from tests.reports.conftest import Book, run_reports

pytestmark = pytest.mark.django_db


def _html(world: World, book: Book, report_type: str, **extra: Any) -> str:
    actor = factories.actor(world.acme, world.manager)
    request = ReportRequest(actor=actor, date_from=book.days(60), date_to=book.today, **extra)
    data = BUILDERS[report_type](request, lambda percent, message: None)
    heading = Heading(
        tenant=world.acme, title=data.title, date_from=book.days(60), date_to=book.today,
        scope="Manager's team", requested_by="Manager", generated_at=factories.timezone.now(),
    )  # fmt: skip
    return pdf_html(data, heading)


def test_a_sales_pdf_is_a_document_with_the_tenants_name(world: World, book: Book, api_as: Any) -> None:
    client = api_as(world.manager)
    report = client.post("/api/reports", {"type": "sales_by_rep", "format": "pdf", **book.range}).json()
    run_reports()
    response = client.get(f"/api/reports/{report['id']}/download")
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="sales-by-rep-' in response["Content-Disposition"]
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert len(content) > 5000


def test_the_sales_pdf_shows_the_figures_and_svg_charts(world: World, book: Book) -> None:
    html = _html(world, book, "sales_by_rep")
    assert "Acme Wines" in html
    assert "$700.00" in html  # the period's revenue, rep1 500 and rep2 200
    assert html.count("<svg") == 2 and "Revenue by rep" in html and "<polyline" in html


@pytest.mark.parametrize(
    ("report_type", "figure"),
    [
        ("at_risk_accounts", "Hazel Hotel"),
        ("balances_aging", "$200.00"),
        ("product_performance", "$650.00"),
    ],
)
def test_every_report_renders_its_figures_for_the_pdf(
    world: World, book: Book, report_type: str, figure: str
) -> None:
    html = _html(world, book, report_type)
    assert "Acme Wines" in html and figure in html and "<svg" in html


def test_a_customer_statement_pdf_renders(world: World, book: Book, api_as: Any) -> None:
    birch = book.customers["birch"]
    html = _html(world, book, "customer_statement", customer_id=birch.pk)
    assert "Statement for Birch Bar" in html and "CHQ-7" in html and "$200.00" in html
    client = api_as(world.rep1)
    report = client.post(
        "/api/reports",
        {"type": "customer_statement", "format": "pdf", "customer_id": birch.pk, **book.range},
    ).json()
    run_reports()
    response = client.get(f"/api/reports/{report['id']}/download")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert tenant_today(world.acme) == book.today
