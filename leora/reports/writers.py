"""Write a ReportData as CSV, XLSX or PDF bytes.

Text cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, or a
tab or carriage return) get a leading apostrophe in CSV and XLSX, so a customer named
``=HYPERLINK(...)`` stays text. Numbers are written as numbers and never escaped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from leora.reports.builders import Column, ReportData
from leora.reports.charts import chart_svg
from leora.tenancy.models import Tenant
from leora.web.formatting import format_date, format_money

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0%"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def escape_formula(value: str) -> str:
    """Return ``value`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Heading:
    """What the top of every file says: the tenant, the report, the range and whose book it covers."""

    tenant: Tenant
    title: str
    date_from: date
    date_to: date
    scope: str
    requested_by: str
    generated_at: datetime


def _plain(column: Column, value: Any) -> Any:
    """A cell for CSV: money with two decimals, dates in ISO form, blanks for None."""
    if value is None:
        return ""
    if column.kind == "money":
        return str(Decimal(value).quantize(Decimal("0.01")))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return escape_formula(value)
    return value


def write_csv(data: ReportData, heading: Heading) -> bytes:
    """One header row of column labels, the rows, then the totals row when there is one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_formula(c.label) for c in data.columns])
    for row in [*data.rows, *([data.totals] if data.totals else [])]:
        writer.writerow([_plain(c, row.get(c.key)) for c in data.columns])
    # A BOM so Excel opens the UTF-8 file with its accents intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(data: ReportData, heading: Heading) -> bytes:
    """A write-only workbook (rows stream out, so big reports stay small in memory): a title block,
    the header, the rows and a bold totals row; money and percentages as numbers with a number
    format, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=data.title[:31].replace("/", "-") or "Report")
    bold = Font(bold=True)
    for index, column in enumerate(data.columns):
        width = 14 if column.kind != "text" else 28
        sheet.column_dimensions[chr(ord("A") + index)].width = width

    def text(value: str, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=escape_formula(value))
        if font is not None:
            cell.font = font
        return cell

    def cell(column: Column, value: Any, font: Font | None = None) -> WriteOnlyCell:
        if value is None:
            return WriteOnlyCell(sheet, value=None)
        if isinstance(value, str):
            return text(value, font)
        if column.kind == "percent":
            out = WriteOnlyCell(sheet, value=value / 100)
            out.number_format = PERCENT_FORMAT
        elif column.kind == "money":
            out = WriteOnlyCell(sheet, value=Decimal(value).quantize(Decimal("0.01")))
            out.number_format = MONEY_FORMAT
        elif isinstance(value, date):
            out = WriteOnlyCell(sheet, value=value)
            out.number_format = DATE_FORMAT
        else:
            out = WriteOnlyCell(sheet, value=value)
        if font is not None:
            out.font = font
        return out

    sheet.append([text(heading.tenant.name, Font(bold=True, size=14))])
    sheet.append([text(data.title, bold)])
    sheet.append(
        [text(f"{format_date(heading.date_from)} to {format_date(heading.date_to)} · {heading.scope}")]
    )
    sheet.append([])
    sheet.append([text(c.label, bold) for c in data.columns])
    for row in data.rows:
        sheet.append([cell(c, row.get(c.key)) for c in data.columns])
    if data.totals:
        sheet.append([cell(c, data.totals.get(c.key), bold) for c in data.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _display(column: Column, value: Any, currency: str) -> str:
    if value is None or value == "":
        return ""
    if column.kind == "money":
        return format_money(value, currency)
    if column.kind == "percent":
        return f"{value}%"
    if column.kind == "int":
        return f"{value:,}"
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def pdf_html(data: ReportData, heading: Heading) -> str:
    """Return the HTML a PDF is rendered from: the tenant's header, headline figures, SVG charts and
    the table (its header repeated on every page)."""
    currency = heading.tenant.currency

    def money(value: float) -> str:
        return format_money(value, currency, whole=True)

    def cells(row: dict[str, Any]) -> list[dict[str, str]]:
        return [
            {
                "text": _display(c, row.get(c.key), currency),
                "num": "num" if c.kind != "text" and c.kind != "date" else "",
            }
            for c in data.columns
        ]

    local = timezone.localtime(heading.generated_at, heading.tenant.tzinfo)
    return render_to_string(
        "reports/pdf.html",
        {
            "heading": heading,
            "data": data,
            "period": f"{format_date(heading.date_from)} to {format_date(heading.date_to)}",
            "generated": f"{format_date(local.date())}, {local:%H:%M}",
            "charts": [{"title": c.title, "svg": chart_svg(c, money)} for c in data.charts if c.values],
            "columns": [{"label": c.label, "num": c.kind not in {"text", "date"}} for c in data.columns],
            "rows": [cells(row) for row in data.rows],
            "totals": cells(data.totals) if data.totals else None,
        },
    )


def write_pdf(data: ReportData, heading: Heading) -> bytes:
    """Render ``pdf_html`` with WeasyPrint."""
    from weasyprint import HTML

    return bytes(HTML(string=pdf_html(data, heading)).write_pdf())


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_pdf}
