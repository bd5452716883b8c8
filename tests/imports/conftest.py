"""Fixtures of the import tests: files written for real (CSV in any encoding, XLSX through openpyxl)
and imports run through their job to the end."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leora.imports.models import ImportRun
from leora.imports.services import import_start, import_upload
from leora.jobs.models import Job
from leora.jobs.processing import process_jobs
from leora.tenancy.actors import Actor
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World


@pytest.fixture(autouse=True)
def _no_schedule(settings: Any) -> None:
    # process_jobs ticks the schedule at the real time; these tests enqueue their own jobs.
    settings.JOB_SCHEDULE = []


@pytest.fixture
def setup() -> Iterator[None]:
    with scopes_disabled():
        yield


@pytest.fixture
def admin(world: World) -> Actor:
    return factories.actor(world.acme, world.admin)


def csv_file(text: str, name: str = "rows.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_bytes(rows: list[list[Any]], formulas: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cell, formula in (formulas or {}).items():
        sheet[cell] = formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_file(rows: list[list[Any]], name: str = "rows.xlsx", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kwargs))


def run_jobs() -> None:
    process_jobs(max_jobs=5, types=["bulk_import"])


def do_import(
    actor: Actor,
    entity: str,
    upload: SimpleUploadedFile,
    mode: str = "skip_bad_rows",
    mapping: dict[str, str] | None = None,
) -> ImportRun:
    """Upload, start and run an import to its end; return it as stored."""
    run = import_upload(actor=actor, uploaded=upload, entity=entity)
    run = import_start(actor=actor, run=run, mode=mode, mapping=mapping)
    run_jobs()
    return reload(run)


def reload(run: ImportRun) -> ImportRun:
    with scopes_disabled():
        return ImportRun.objects.select_related("job").get(pk=run.pk)


def job_of(run: ImportRun) -> Job:
    assert run.job_id is not None
    return Job.objects.get(pk=run.job_id)


def problems(run: ImportRun) -> list[tuple[int, str]]:
    """(row, reason) of each rejected row."""
    with scopes_disabled():
        return [(e.row_number, e.reason) for e in run.row_errors.order_by("row_number")]
