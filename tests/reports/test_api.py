"""POST /api/reports, GET /api/reports[/{id}[/download]]: requests, scope, access and the files' figures.

Figures are worked out from the book in tests/reports/conftest.py.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import World
from tests.reports.conftest import INJECTION, Book, run_reports

pytestmark = pytest.mark.django_db

REPORTS = "/api/reports"


def request_report(client: Any, book: Book, type: str, format: str = "csv", **extra: Any) -> dict[str, Any]:
    response = client.post(REPORTS, {"type": type, "format": format, **book.range, **extra})
    assert response.status_code == 202, response.content
    return dict(response.json())


def built(client: Any, book: Book, type: str, format: str = "csv", **extra: Any) -> Any:
    """Request a report, run its job and return the download response."""
    report = request_report(client, book, type, format, **extra)
    run_reports()
    done = client.get(f"{REPORTS}/{report['id']}").json()
    assert done["status"] == "completed", done
    response = client.get(done["download_url"])
    assert response.status_code == 200
    return response


def csv_rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# ------------------------------------------------------------------------------------------ figures


def test_sales_by_rep_csv_shows_each_team_rep_per_week_against_quota(
    world: World, book: Book, api_as: Any
) -> None:
    rows = csv_rows(built(api_as(world.manager), book, "sales_by_rep"))
    this_week = {r["Rep"]: r for r in rows if r["Week starting"] == book.monday.isoformat()}
    assert set(this_week) == {"Rep1", "Rep2"}
    assert (this_week["Rep1"]["Revenue"], this_week["Rep1"]["Quota"], this_week["Rep1"]["Attainment %"]) == (
        "50.00", "500.00", "10",
    )  # fmt: skip
    total = rows[-1]
    assert total["Rep"] == "Total"
    assert Decimal(total["Revenue"]) == Decimal("700.00")  # rep1 50+50+400, rep2 200


def test_sales_by_rep_xlsx_writes_money_as_numbers_and_weeks_as_dates(
    world: World, book: Book, api_as: Any
) -> None:
    response = built(api_as(world.rep1), book, "sales_by_rep", "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == "Acme Wines"
    header = [cell.value for cell in sheet[5]]
    assert header[:4] == ["Rep", "Email", "Week starting", "Revenue"]
    rows = [row for row in sheet.iter_rows(min_row=6) if row[0].value == "Rep1"]
    current = next(row for row in rows if row[2].value.date() == book.monday)
    assert current[3].value == 50 and current[3].number_format == "#,##0.00"
    assert current[5].value == pytest.approx(0.10) and current[5].number_format == "0%"
    assert {row[0].value for row in sheet.iter_rows(min_row=6)} == {"Rep1", "Total"}


def test_at_risk_accounts_come_from_the_tenants_metric(world: World, book: Book, api_as: Any) -> None:
    rows = csv_rows(built(api_as(world.manager), book, "at_risk_accounts"))
    by_name = {r["Customer"]: r for r in rows if r["Customer"] != "Total"}
    assert set(by_name) == {"Hazel Hotel", "Birch Bar"}
    assert rows[0]["Customer"] == "Hazel Hotel"  # most overdue first: 17 days against 14
    assert (by_name["Birch Bar"]["Days since last order"], by_name["Birch Bar"]["Usual interval (days)"]) == (
        "14",
        "7",
    )
    assert by_name["Birch Bar"]["Revenue in period"] == "400.00"


def test_at_risk_accounts_xlsx_lists_the_segment(world: World, book: Book, api_as: Any) -> None:
    rows = xlsx_rows(built(api_as(world.rep2), book, "at_risk_accounts", "xlsx"))
    assert [row[0] for row in rows[5:]] == ["Hazel Hotel", "Total"]
    assert rows[5][7] == Decimal("200") or rows[5][7] == 200


def test_balances_aging_buckets_each_customers_open_invoices(world: World, book: Book, api_as: Any) -> None:
    rows = csv_rows(built(api_as(world.admin), book, "balances_aging"))
    by_name = {r["Customer"]: r for r in rows}
    # Hazel's invoice was issued before the range.
    assert set(by_name) == {"Alder Bistro", "Birch Bar", "'" + INJECTION, "Total"}
    assert by_name["Alder Bistro"]["Current"] == "100.00"
    assert by_name["Birch Bar"]["1-30 days"] == "200.00"
    assert by_name["Total"]["Balance"] == "350.00"


def test_balances_aging_xlsx_totals_the_buckets(world: World, book: Book, api_as: Any) -> None:
    rows = xlsx_rows(
        built(api_as(world.manager), book, "balances_aging", "xlsx", date_from=book.days(120).isoformat())
    )
    total = rows[-1]
    assert total[0] == "Total"
    assert [total[4], total[5], total[7], total[9]] == [100, 200, 400, 700]


def test_product_performance_sums_the_revenue_orders_lines(world: World, book: Book, api_as: Any) -> None:
    rows = csv_rows(built(api_as(world.manager), book, "product_performance"))
    by_name = {r["Product"]: r for r in rows}
    assert (by_name["Rioja"]["Units"], by_name["Rioja"]["Orders"], by_name["Rioja"]["Revenue"]) == (
        "26",
        "9",
        "650.00",
    )
    assert (by_name["Pinot"]["Units"], by_name["Pinot"]["Revenue"]) == (
        "5",
        "50.00",
    )  # the cancelled 10 left out
    assert by_name["Rioja"]["Share %"] == "93"
    assert by_name["Total"]["Revenue"] == "700.00"


def test_product_performance_xlsx(world: World, book: Book, api_as: Any) -> None:
    rows = xlsx_rows(built(api_as(world.admin), book, "product_performance", "xlsx"))
    assert [row[0] for row in rows[5:]] == ["Rioja", "Pinot", "Total"]
    assert rows[6][6] == 60  # Pinot: 5 of Alder's and 1 of rep3's customer


def test_customer_statement_runs_invoices_and_payments_to_the_balance(
    world: World, book: Book, api_as: Any
) -> None:
    birch = book.customers["birch"]
    rows = csv_rows(built(api_as(world.rep1), book, "customer_statement", customer_id=birch.pk))
    assert [(r["Entry"], r["Charges"], r["Payments"], r["Balance"]) for r in rows] == [
        ("Opening balance", "", "", "0.00"),
        ("Invoice", "300.00", "", "300.00"),
        ("Payment", "", "100.00", "200.00"),
        ("Closing balance", "", "", "200.00"),
        ("Period total", "300.00", "100.00", "200.00"),
    ]
    assert "CHQ-7" in rows[2]["Reference"]


def test_customer_statement_xlsx_opens_with_what_was_owed_before(
    world: World, book: Book, api_as: Any
) -> None:
    hazel = book.customers["hazel"]
    rows = xlsx_rows(built(api_as(world.manager), book, "customer_statement", "xlsx", customer_id=hazel.pk))
    assert rows[5][1] == "Opening balance" and rows[5][5] == 400
    assert rows[-2][1] == "Closing balance" and rows[-2][5] == 400
