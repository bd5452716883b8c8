"""The error report of an import: one CSV line per rejected row (its number, why, then its cells as
uploaded), streamed so a report of many rows is never built in memory."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse

from leora.imports.models import ImportRun
from leora.imports.selectors import import_row_errors

_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def _safe(value: Any) -> str:
    """A cell a spreadsheet will show rather than run: text starting like a formula gets a quote."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.match(text):
        return "'" + text
    return text


def error_report_lines(run: ImportRun) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(["row", "problem", *[_safe(h) for h in run.headers]])
    yield "\ufeff" + flush()  # the BOM makes Excel read the report as UTF-8
    for error in import_row_errors(run=run).iterator(chunk_size=2000):
        writer.writerow([error.row_number, _safe(error.reason), *[_safe(v) for v in error.values]])
        yield flush()


def error_report_response(run: ImportRun) -> StreamingHttpResponse:
    response = StreamingHttpResponse(error_report_lines(run), content_type="text/csv; charset=utf-8")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", run.original_name.rsplit(".", 1)[0])[:60] or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}-errors-{run.pk}.csv"'
    return response
