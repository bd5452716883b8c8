"""Files as people send them: other encodings and delimiters, Excel workbooks, and files that cannot be
imported at all, each refused with a plain message and nothing written."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leora.crm.models import Customer
from leora.errors import InvalidInput
from leora.imports.models import ImportRun
from leora.imports.services import import_upload
from leora.tenancy.actors import Actor
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.imports.conftest import csv_file, do_import, problems, xlsx_bytes, xlsx_file

ACCENTED = "Account number;Name;City\nC-1;Café Zoë;Montréal\nC-2;São Paulo Bar;Nîmes\n"


def _names(world: World) -> list[str]:
    return sorted(Customer.objects.for_tenant(world.acme).values_list("name", flat=True))


def test_a_windows_1252_semicolon_file_keeps_its_accents(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(ACCENTED, encoding="cp1252"))

    assert (run.encoding, run.delimiter) == ("cp1252", ";")
    assert _names(world) == ["Café Zoë", "São Paulo Bar"]


def test_a_utf8_file_with_a_byte_order_mark_reads_its_first_header(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file("\ufeff" + ACCENTED.replace(";", ",")))

    assert run.mapping["Account number"] == "account_number"
    assert _names(world) == ["Café Zoë", "São Paulo Bar"]


def test_an_excel_workbook_imports_like_a_csv(world: World, admin: Actor) -> None:
    rows: list[list[Any]] = [
        ["Account number", "Name", "Postcode"],
        [1001, "Blue Door", 94559],
        ["C-2", "Fig & Vine", None],
    ]

    run = do_import(admin, "customers", xlsx_file(rows))

    assert run.file_format == "xlsx"
    assert Customer.objects.for_tenant(world.acme).get(account_number="1001").postal_code == "94559"
    assert _names(world) == ["Blue Door", "Fig & Vine"]


def test_a_formula_in_a_workbook_is_refused_naming_row_and_column(world: World, admin: Actor) -> None:
    rows: list[list[Any]] = [["Account number", "Name"], ["C-1", "Blue Door"], ["C-2", None]]

    run = do_import(
        admin, "customers", xlsx_file(rows, formulas={"B3": '=CONCAT("Fig", " Vine")'}), "all_or_nothing"
    )

    assert _names(world) == []
    assert problems(run) == [(3, 'Name: is a formula (=CONCAT("Fig", " Vine")); paste the value instead')]


def _refusal(actor: Actor, upload: SimpleUploadedFile, entity: str = "customers") -> str:
    with pytest.raises(InvalidInput) as caught:
        import_upload(actor=actor, uploaded=upload, entity=entity)
    assert caught.value.errors[0].field == "file"
    return caught.value.errors[0].message


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("empty.csv", b""), "The file is empty."),
        (
            SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "This is an image, not a spreadsheet.",
        ),
        (
            SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 64),
            "This is an old Excel .xls file.",
        ),
        (
            SimpleUploadedFile("fake.xlsx", b"account,name\n1,2\n"),
            "This file is named .xlsx but is not an Excel",
        ),
        (SimpleUploadedFile("blank.csv", b"\n\n\n"), "The file is empty."),
        (SimpleUploadedFile("dup.csv", b"name,Name\nx,y\n"), "The column 'Name' appears twice"),
    ],
    ids=["empty", "image", "xls", "fake-xlsx", "blank-lines", "duplicate-header"],
)
def test_a_file_that_is_no_spreadsheet_is_refused(
    admin: Actor, upload: SimpleUploadedFile, message: str
) -> None:
    assert _refusal(admin, upload).startswith(message)
    with scopes_disabled():
        assert ImportRun.objects.count() == 0


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_opened(admin: Actor) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (64 * 1024 * 1024))

    message = _refusal(admin, SimpleUploadedFile("report.xlsx", out.getvalue()))

    assert "looks like a ZIP bomb and was not opened" in message


def test_a_zip_that_is_not_a_workbook_is_refused(admin: Actor) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"jpeg")

    assert "not an Excel workbook" in _refusal(admin, SimpleUploadedFile("photos.xlsx", out.getvalue()))


def test_a_file_without_a_required_column_is_refused_when_started(world: World, api_as: object) -> None:
    api = api_as(world.admin)  # type: ignore[operator]
    upload = csv_file("Name,City\nBlue Door,Napa\n")

    data = {"file": upload, "entity": "customers", "mode": "skip_bad_rows"}

    response = api.client.post("/api/imports", data, headers=api.headers)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "mapping", "message": "The file needs a column for Account number"}
    ]
    with scopes_disabled():
        assert ImportRun.objects.count() == 0


def test_a_workbook_header_is_read_from_the_first_sheet(admin: Actor) -> None:
    upload = SimpleUploadedFile("w.xlsx", xlsx_bytes([["SKU", "Name", "Price"], ["A", "B", 1]]))

    run = import_upload(actor=admin, uploaded=upload, entity="products")

    assert run.mapping == {"SKU": "sku", "Name": "name", "Price": "unit_price"}


def test_workbook_rows_keep_their_sheet_numbers_across_blank_rows(world: World, admin: Actor) -> None:
    rows: list[list[Any]] = [
        ["Account number", "Name"],
        ["C-1", "Blue Door"],
        [None, None],
        [None, "Nameless"],
    ]

    run = do_import(admin, "customers", xlsx_file(rows), "skip_bad_rows")

    assert problems(run) == [(4, "Account number: give the account an account number")]
