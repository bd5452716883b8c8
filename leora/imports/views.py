"""The imports pages: upload a file, map its columns, dry-run or import it, follow it, read the result."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from leora.errors import InvalidInput, NotFound
from leora.imports.fields import fields_of
from leora.imports.models import ImportEntity, ImportMode, ImportRun, ImportStatus
from leora.imports.reading import FileProblem, Source, preview_rows
from leora.imports.report import error_report_response
from leora.imports.selectors import import_get, import_list, import_row_errors
from leora.imports.services import import_start, import_upload, require_importer, run_path, saved_mapping
from leora.pages import actor_of_page, page_slice, refusals_as_403, render_page

ERRORS_SHOWN = 20
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _run(request: HttpRequest, import_id: int) -> ImportRun:
    try:
        return import_get(actor=actor_of_page(request), import_id=import_id)
    except NotFound:
        raise Http404("import not found") from None


def _entities() -> list[dict[str, Any]]:
    return [
        {"value": value, "label": label, "required": [s.label for s in fields_of(value) if s.required]}
        for value, label in ImportEntity.choices
    ]


def _list_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    actor = actor_of_page(request)
    return {
        "page": page_slice(request, import_list(actor=actor), page_size=20),
        "entities": _entities(),
        **extra,
    }


@require_GET
@login_required
@refusals_as_403
def import_list_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "imports/import_list.html",
        _list_context(request, chosen_entity=request.GET.get("entity", "")),
    )


@require_POST
@login_required
@refusals_as_403
def import_upload_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    require_importer(actor)
    entity = request.POST.get("entity", "")
    uploaded = request.FILES.get("file")
    errors: dict[str, str] = {}
    if entity not in ImportEntity.values:
        errors["entity"] = "Choose what the file holds."
    if uploaded is None:
        errors["file"] = "Choose a CSV or Excel file."
    if not errors and uploaded is not None:
        try:
            run = import_upload(actor=actor, uploaded=uploaded, entity=entity)
        except InvalidInput as exc:
            errors = {e.field: e.message for e in exc.errors} or {"file": exc.detail}
        else:
            return redirect("import_detail", import_id=run.pk)
    context = _list_context(request, errors=errors, chosen_entity=entity)
    return render(request, "imports/import_list.html", context, status=422)


def _mapping_rows(run: ImportRun, preview: list[list[str]]) -> list[dict[str, Any]]:
    rows = []
    for index, header in enumerate(run.headers):
        sample = next((row[index] for row in preview if index < len(row) and row[index]), "")
        rows.append({"index": index, "id": f"map-{index}", "header": header or f"Column {index + 1}",
                     "chosen": run.mapping.get(header, ""),
                     "sample": sample})  # fmt: skip
    return rows


def _detail_context(run: ImportRun, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"run": run, "live": run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)}
    context["delimiter_name"] = DELIMITER_NAMES.get(run.delimiter, run.delimiter)
    if run.status == ImportStatus.UPLOADED:
        source = Source(
            path=run_path(run), file_format=run.file_format, encoding=run.encoding, delimiter=run.delimiter,
            headers=list(run.headers), size=run.file_size,
        )  # fmt: skip
        try:
            preview = preview_rows(source)
        except (FileProblem, OSError) as exc:
            preview, context["preview_error"] = [], str(exc)
        context.update(
            preview=preview, mapping_rows=_mapping_rows(run, preview), fields=fields_of(run.entity),
            has_saved_mapping=bool(saved_mapping(tenant_id=run.tenant_id, entity=run.entity)),
        )  # fmt: skip
    else:
        errors = import_row_errors(run=run)
        context["errors"] = list(errors[:ERRORS_SHOWN])
        context["error_total"] = errors.count() if context["errors"] else 0
    context.update(extra)
    return context


@require_GET
@login_required
@refusals_as_403
def import_detail_page(request: HttpRequest, import_id: int) -> HttpResponse:
    run = _run(request, import_id)
    return render_page(
        request, "imports/import_detail.html", _detail_context(run), fragment="imports/_status.html"
    )


@require_POST
@login_required
@refusals_as_403
def import_start_page(request: HttpRequest, import_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    run = _run(request, import_id)
    action = request.POST.get("action", "")
    mode = ImportMode.DRY_RUN if action == "dry_run" else request.POST.get("mode", ImportMode.SKIP_BAD_ROWS)
    mapping = None
    if run.status == ImportStatus.UPLOADED:
        mapping = {header: request.POST.get(f"map-{index}", "") for index, header in enumerate(run.headers)}
    try:
        started = import_start(actor=actor, run=run, mode=mode, mapping=mapping)
    except InvalidInput as exc:
        if mapping is not None:
            run.mapping = mapping
        context = _detail_context(run, start_error=exc.detail)
        return render(request, "imports/import_detail.html", context, status=422)
    return redirect("import_detail", import_id=started.pk)


@require_GET
@login_required
@refusals_as_403
def import_errors_page(request: HttpRequest, import_id: int) -> HttpResponse:
    return error_report_response(_run(request, import_id))  # type: ignore[return-value]
