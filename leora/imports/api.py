"""The imports API: upload a file to import (a job), follow it, download its rejected rows."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from leora.errors import InvalidInput
from leora.imports.models import ImportEntity, ImportMode
from leora.imports.report import error_report_response
from leora.imports.schemas import ImportAccepted, ImportDetailOut, ImportFilters, ImportOut
from leora.imports.selectors import import_get, import_list
from leora.imports.services import import_create
from leora.pagination import page_of, paginate
from leora.tenancy.auth import actor_of

router = Router()


def _mapping(raw: str | None) -> dict[str, Any] | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise InvalidInput.on("mapping", 'give the mapping as JSON: {"Column header": "field"}') from None
    if not isinstance(value, dict):
        raise InvalidInput.on("mapping", 'give the mapping as a JSON object: {"Column header": "field"}')
    return value


@router.post("", response={202: ImportAccepted}, summary="Import a CSV or XLSX file (admins)")
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    entity: Form[ImportEntity],
    mode: Form[ImportMode] = ImportMode.DRY_RUN,
    mapping: Form[str | None] = None,
) -> Status[Any]:
    run = import_create(
        actor=actor_of(request), uploaded=file, entity=entity, mode=mode, mapping=_mapping(mapping)
    )
    assert run.job_id is not None
    return Status(
        202, {"id": run.pk, "job_id": run.job_id, "status": run.status, "url": f"/api/imports/{run.pk}"}
    )


@router.get("", response=page_of(ImportOut), summary="List imports (admins)")
def list_imports(request: HttpRequest, filters: Query[ImportFilters]) -> dict[str, Any]:
    runs = import_list(actor=actor_of(request)).annotate(error_rows=Count("row_errors"))
    if filters.entity:
        runs = runs.filter(entity=filters.entity)
    if filters.status:
        runs = runs.filter(status=filters.status)
    return paginate(runs, filters)


@router.get("/{import_id}", response=ImportDetailOut, summary="Get an import: counts and rejected rows")
def get_import(request: HttpRequest, import_id: int) -> Any:
    return import_get(actor=actor_of(request), import_id=import_id)


@router.get(
    "/{import_id}/errors.csv", response={200: None}, summary="Download an import's rejected rows as CSV"
)
def import_errors_csv(request: HttpRequest, import_id: int) -> StreamingHttpResponse:
    return error_report_response(import_get(actor=actor_of(request), import_id=import_id))
