"""Reading an uploaded file: what it is (CSV or XLSX), its encoding and delimiter, and its rows one at a
time, so a 100,000-row file never sits in memory whole.

Everything wrong with the file itself (empty, not a spreadsheet, a ZIP bomb, no header) is a
``FileProblem`` with a message for the person who uploaded it; problems of single cells are left to the
row checks, which name the row and the column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import charset_normalizer

# Larger uploads are refused before they are read.
MAX_FILE_BYTES = 100 * 1024 * 1024
# An XLSX is a ZIP: these bound what it may expand to, checked on its directory before openpyxl opens
# it. A real 100,000-row sheet expands to about 40 MB at a ratio near 10; a bomb claims gigabytes.
XLSX_MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_RATIO_CHECKED_ABOVE = 1024 * 1024
XLSX_MAX_MEMBERS = 2000
MAX_COLUMNS = 200
# Bytes read to tell the encoding and the delimiter.
SAMPLE_BYTES = 1024 * 1024
DELIMITERS = ",;\t|"

_MAGIC_REFUSED = {
    b"\xd0\xcf\x11\xe0": "This is an old Excel .xls file. Save it as .xlsx or CSV and upload it again.",
    b"%PDF": "This is a PDF, not a spreadsheet. Upload a CSV or an Excel .xlsx file.",
    b"\x89PNG": "This is an image, not a spreadsheet. Upload a CSV or an Excel .xlsx file.",
    b"\xff\xd8\xff": "This is an image, not a spreadsheet. Upload a CSV or an Excel .xlsx file.",
    b"GIF8": "This is an image, not a spreadsheet. Upload a CSV or an Excel .xlsx file.",
}
_NOT_A_SPREADSHEET = "This is not a CSV or Excel .xlsx file. Upload a CSV or an Excel .xlsx file."
# Formula-like text: CSV has no cell types, so a leading "=" (or a sign or @ before a function call,
# the classic CSV-injection forms) is a formula that a spreadsheet would run.
_CSV_FORMULA = re.compile(r"^(=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\()")


class FileProblem(Exception):
    """The file as a whole cannot be imported; ``str()`` says why in plain words."""


class Formula(str):
    """A cell holding a formula (XLSX formula cells, formula-like CSV text): refused by the row checks."""


@dataclass
class Source:
    """What an uploaded file is: its format, how its text is encoded and its header row."""

    path: Path
    file_format: str  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)
    size: int = 0


def _first_bytes(path: Path, count: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(count)


def file_format_of(path: Path, original_name: str) -> str:
    """Return "csv" or "xlsx" for the file at ``path``, or raise FileProblem saying what it is instead."""
    size = path.stat().st_size
    if size == 0:
        raise FileProblem("The file is empty.")
    if size > MAX_FILE_BYTES:
        raise FileProblem(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it and import the parts."
        )
    head = _first_bytes(path, 8192)
    for magic, message in _MAGIC_REFUSED.items():
        if head.startswith(magic):
            raise FileProblem(message)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if original_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileProblem(
            "This file is named .xlsx but is not an Excel workbook. Upload a real .xlsx or a CSV."
        )
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(_NOT_A_SPREADSHEET)
    return "csv"


def check_workbook_archive(path: Path) -> None:
    """Refuse an XLSX whose ZIP directory declares more than we will expand (a ZIP bomb), or that is not a
    workbook at all; nothing is decompressed here. Python's zipfile never inflates a member past its
    declared size, so the declared sizes are the ones that count."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileProblem("This file is not a valid Excel workbook (the archive is damaged).") from None
    if len(members) > XLSX_MAX_MEMBERS:
        raise FileProblem("This workbook holds too many parts to be a spreadsheet; it was not opened.")
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_CHECKED_ABOVE and ratio > XLSX_MAX_RATIO:
            raise FileProblem(
                f"This workbook expands {ratio:,.0f} times its size ({member.filename}), which spreadsheets "
                "never do; it looks like a ZIP bomb and was not opened."
            )
    if total > XLSX_MAX_UNCOMPRESSED_BYTES:
        raise FileProblem(
            f"This workbook would expand to {total / (1024 * 1024):,.0f} MB, more than the "
            f"{XLSX_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB an import reads; it was not opened."
        )
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise FileProblem("This ZIP file is not an Excel workbook. Upload a CSV or an Excel .xlsx file.")


def detect_encoding(sample: bytes) -> str:
    """Return the text encoding of ``sample`` as charset-normalizer tells it.

    Among candidates that fit equally well, Windows-1252 wins: it is what Excel writes as "CSV" on
    Western European and American machines, and a tie otherwise falls on whichever code page is listed
    first (Central European for "São").
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        raise FileProblem(
            "The file's text encoding could not be recognised. Save it as UTF-8 CSV and upload it again."
        )
    encoding = best.encoding
    if encoding == "ascii":
        return "utf-8"  # ASCII so far; UTF-8 reads it the same and also what may follow
    if encoding != "utf_8":
        for match in matches:
            same_fit = match.chaos == best.chaos and match.coherence == best.coherence
            if same_fit and "cp1252" in match.could_be_from_charset:
                return "cp1252"
    return "utf-8" if encoding == "utf_8" else encoding


def detect_delimiter(text: str) -> str:
    """Return the delimiter of CSV ``text`` (csv.Sniffer over , ; tab |), a comma when it cannot tell."""
    lines = text.splitlines()
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


class _CountingReader(io.RawIOBase):
    """A binary file that remembers how many bytes were read from it (progress of a CSV import)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.handle.read(len(buffer))
        buffer[: len(data)] = data
        self.consumed += len(data)
        return len(data)


@dataclass
class RawRow:
    """One row as read: its number in the file (the header is row 1) and its cells."""

    number: int
    cells: list[Any]


def _csv_cell(value: str) -> Any:
    text = value.strip()
    if text and _CSV_FORMULA.match(text):
        return Formula(text)
    return text


def _xlsx_cell(cell: Any) -> Any:
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(cell.value))
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, time):
        return value.isoformat()
    return value


def _blank(cells: list[Any]) -> bool:
    return all(cell is None or cell == "" for cell in cells)


def _header_names(cells: list[Any]) -> list[str]:
    headers = []
    for index, cell in enumerate(cells):
        if isinstance(cell, Formula):
            raise FileProblem(
                f"The header of column {index + 1} is a formula; type the column's name instead."
            )
        name = "" if cell is None else str(cell).strip()
        headers.append(name)
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise FileProblem("The file has no header row: its first row must name the columns.")
    if len(headers) > MAX_COLUMNS:
        raise FileProblem(f"The file has {len(headers)} columns; an import reads at most {MAX_COLUMNS}.")
    seen: dict[str, int] = {}
    for index, name in enumerate(headers):
        key = name.casefold()
        if name and key in seen:
            raise FileProblem(
                f"The column {name!r} appears twice (columns {seen[key] + 1} and {index + 1}); rename one."
            )
        seen[key] = index
    return headers


class RowReader:
    """Iterates a file's data rows (blank rows left out) and tells how far through the file it is."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._fraction = 0.0

    @property
    def fraction(self) -> float:
        """How much of the file has been read, 0 to 1."""
        return self._fraction

    def rows(self) -> Iterator[RawRow]:
        if self.source.file_format == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()
        self._fraction = 1.0

    def _csv_rows(self) -> Iterator[RawRow]:
        size = max(self.source.size, 1)
        with self.source.path.open("rb") as handle:
            counting = _CountingReader(handle)
            text = io.TextIOWrapper(io.BufferedReader(counting), encoding=self.source.encoding, newline="")
            reader = csv.reader(text, delimiter=self.source.delimiter or ",")
            try:
                next(reader, None)  # the header
                for number, cells in enumerate(reader, start=2):
                    self._fraction = min(1.0, counting.consumed / size)
                    row = [_csv_cell(cell) for cell in cells]
                    if not _blank(row):
                        yield RawRow(number, row)
            except UnicodeDecodeError:
                raise FileProblem(
                    f"The file stops being {self.source.encoding} text about {counting.consumed:,} bytes in. "
                    "Save it as UTF-8 CSV and upload it again."
                ) from None
            except csv.Error as exc:
                raise FileProblem(f"The CSV cannot be read past row {reader.line_num}: {exc}.") from None

    def _xlsx_rows(self) -> Iterator[RawRow]:
        from openpyxl import load_workbook

        workbook = load_workbook(self.source.path, read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            total = sheet.max_row or 0
            # Read-only sheets yield every row from the first, empty ones included: the count is the number.
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                if number == 1:
                    continue  # the header
                if total:
                    self._fraction = min(1.0, number / total)
                row = [_xlsx_cell(cell) for cell in cells]
                if row and not _blank(row):
                    yield RawRow(number, row)
        finally:
            workbook.close()


def _xlsx_headers(path: Path) -> list[str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors)
        raise FileProblem("This workbook cannot be opened; save it again from Excel as .xlsx.") from None
    try:
        if not workbook.worksheets:
            raise FileProblem("The workbook has no sheets.")
        for cells in workbook.worksheets[0].iter_rows(max_row=1):
            return _header_names([_xlsx_cell(cell) for cell in cells])
        raise FileProblem("The workbook's first sheet is empty.")
    finally:
        workbook.close()


def source_open(path: Path, original_name: str) -> Source:
    """Inspect the file at ``path``: format, encoding, delimiter and headers; FileProblem when unusable."""
    file_format = file_format_of(path, original_name)
    source = Source(path=path, file_format=file_format, size=path.stat().st_size)
    if file_format == "xlsx":
        check_workbook_archive(path)
        source.headers = _xlsx_headers(path)
        return source
    sample = _first_bytes(path, SAMPLE_BYTES)
    source.encoding = detect_encoding(sample)
    # The sample may end inside a character or a line: decode leniently, the sniffer needs whole lines.
    text = sample.decode(source.encoding, errors="ignore").lstrip("\ufeff")
    if not text.strip():
        raise FileProblem("The file is empty.")
    source.delimiter = detect_delimiter(text)
    first = next(csv.reader(io.StringIO(text), delimiter=source.delimiter), [])
    source.headers = _header_names([_csv_cell(cell) for cell in first])
    return source


def preview_rows(source: Source, limit: int = 5) -> list[list[str]]:
    """The first ``limit`` data rows as text, for the mapping page's preview."""
    rows: list[list[str]] = []
    for row in RowReader(source).rows():
        rows.append([_as_text(cell) for cell in row.cells[: len(source.headers)]])
        if len(rows) >= limit:
            break
    return rows


def _as_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


cell_text = _as_text
