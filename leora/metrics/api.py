"""/api/metrics: definitions with their history, validation, preview, templates, import and export."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, Literal

import yaml
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from leora.errors import InvalidInput
from leora.metrics.evaluation import analyse_for_tenant, load_metric, preview
from leora.metrics.formula import FormulaError, FType, ReferencedMetric
from leora.metrics.formula.builder import to_builder
from leora.metrics.models import MetricKind
from leora.metrics.schemas import (
    AttributeOut,
    DiffOut,
    ErrorBody,
    ImportReportOut,
    MetricDetailOut,
    MetricFilters,
    MetricIn,
    MetricOut,
    MetricPatch,
    PreviewIn,
    PreviewOut,
    RestoreVersionIn,
    TemplateOut,
    ValidateIn,
    ValidateOut,
)
from leora.metrics.selectors import (
    METRIC_ORDERING,
    attribute_list,
    metric_diff,
    metric_export,
    metric_get,
    metric_history,
    metric_list,
    template_list,
    with_current,
)
from leora.metrics.services import (
    FormulaInvalid,
    metric_create,
    metric_deprecate,
    metric_restore,
    metric_restore_version,
    metric_update,
    metrics_import,
)
from leora.pagination import apply_ordering, page_of
from leora.tenancy.auth import actor_of

router = Router()


def formula_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a FormulaInvalid with a 422 whose error carries the line, column and expectations."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except FormulaInvalid as error:
            return Status(422, error.body())

    return wrapper


def _detail(definition: Any) -> Any:
    definition.history = metric_history(definition=definition)
    return definition


@router.get("/definitions", response=page_of(MetricOut), summary="List metric definitions")
def list_definitions(request: HttpRequest, filters: Query[MetricFilters]) -> dict[str, Any]:
    definitions = metric_list(
        actor=actor_of(request),
        search=filters.search,
        kind=filters.kind,
        include_deprecated=filters.include_deprecated,
        current=False,
    )
    ordered = apply_ordering(definitions, filters.ordering, METRIC_ORDERING, "code")
    # Counted without the current-version join; only the page's rows take it.
    total = ordered.count()
    start = (filters.page - 1) * filters.page_size
    items = list(with_current(ordered)[start : start + filters.page_size])
    return {"items": items, "total": total, "page": filters.page, "page_size": filters.page_size}


@router.post(
    "/definitions",
    response={201: MetricDetailOut, 422: ErrorBody},
    summary="Create a metric definition (admins)",
)
@formula_errors
def create_definition(request: HttpRequest, payload: MetricIn) -> Any:
    actor = actor_of(request)
    definition = metric_create(actor=actor, **payload.model_dump())
    return Status(201, _detail(metric_get(actor=actor, code=definition.code)))


@router.get("/definitions/{code}", response=MetricDetailOut, summary="A definition with its history")
def get_definition(request: HttpRequest, code: str) -> Any:
    return _detail(metric_get(actor=actor_of(request), code=code))


@router.patch(
    "/definitions/{code}",
    response={200: MetricDetailOut, 422: ErrorBody},
    summary="Save a new version (admins); 409 when expected_version is stale",
)
@formula_errors
def update_definition(request: HttpRequest, code: str, payload: MetricPatch) -> Any:
    actor = actor_of(request)
    definition = metric_get(actor=actor, code=code)
    data = payload.model_dump(exclude_unset=True)
    expected = data.pop("expected_version", None)
    note = data.pop("change_note", "") or ""
    changes = {name: value for name, value in data.items() if value is not None}
    metric_update(
        actor=actor, definition=definition, changes=changes, expected_version=expected, change_note=note
    )
    return _detail(metric_get(actor=actor, code=code))


@router.delete("/definitions/{code}", response=MetricDetailOut, summary="Deprecate a definition (admins)")
def deprecate_definition(request: HttpRequest, code: str, reason: str = "") -> Any:
    actor = actor_of(request)
    definition = metric_get(actor=actor, code=code)
    metric_deprecate(actor=actor, definition=definition, reason=reason)
    return _detail(metric_get(actor=actor, code=code))


@router.post("/definitions/{code}/restore", response=MetricDetailOut, summary="Undo a deprecation (admins)")
def restore_definition(request: HttpRequest, code: str) -> Any:
    actor = actor_of(request)
    metric_restore(actor=actor, definition=metric_get(actor=actor, code=code))
    return _detail(metric_get(actor=actor, code=code))


@router.post(
    "/definitions/{code}/versions/{version}/restore",
    response={200: MetricDetailOut, 422: ErrorBody},
    summary="Save an old version again as the newest one (admins)",
)
@formula_errors
def restore_version(
    request: HttpRequest, code: str, version: int, payload: RestoreVersionIn | None = None
) -> Any:
    actor = actor_of(request)
    definition = metric_get(actor=actor, code=code)
    metric_restore_version(
        actor=actor,
        definition=definition,
        version=version,
        expected_version=payload.expected_version if payload else None,
    )
    return _detail(metric_get(actor=actor, code=code))


@router.get("/definitions/{code}/diff", response=DiffOut, summary="What changed between two versions")
def diff_definition(
    request: HttpRequest,
    code: str,
    from_version: int = Query(..., alias="from"),
    to_version: int = Query(..., alias="to"),
) -> Any:
    definition = metric_get(actor=actor_of(request), code=code)
    return metric_diff(definition=definition, from_version=from_version, to_version=to_version)


@router.post("/validate", response=ValidateOut, summary="Check a formula as you type")
def validate(request: HttpRequest, payload: ValidateIn) -> dict[str, Any]:
    actor = actor_of(request)
    # Editing an existing metric: a reference to itself must show up as a cycle.
    overlay = (
        {payload.code: ReferencedMetric(payload.code, payload.kind, payload.formula)} if payload.code else {}
    )
    try:
        checked = analyse_for_tenant(actor.tenant, payload.formula, payload.kind, overlay)
    except FormulaError as error:
        return {"ok": False, "type": None, "attributes": [], "errors": [error.as_dict()], "builder": None}
    builder = to_builder(checked.tree) if checked.type == FType.BOOLEAN else None
    return {
        "ok": True,
        "type": checked.type.value,
        "attributes": sorted(checked.attributes),
        "errors": [],
        "builder": builder,
    }


@router.post("/preview", response={200: PreviewOut, 422: ErrorBody}, summary="Test a formula on live data")
@formula_errors
def preview_formula(request: HttpRequest, payload: PreviewIn) -> Any:
    actor = actor_of(request)
    today = _parse_day(payload.today)
    if payload.formula:
        try:
            checked = analyse_for_tenant(actor.tenant, payload.formula, payload.kind)
        except FormulaError as error:
            raise FormulaInvalid(error) from None
        kind = payload.kind
    elif payload.code:
        metric_get(actor=actor, code=payload.code)
        stored = load_metric(actor.tenant, payload.code)
        assert stored is not None
        checked, kind = stored.checked, MetricKind(stored.version.kind)
    else:
        raise InvalidInput.on("formula", "send a formula or the code of a metric")
    return preview(actor=actor, checked=checked, kind=kind, today=today)


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.on("today", "use the format YYYY-MM-DD") from None


@router.get("/templates", response=list[TemplateOut], summary="Ready-made definitions for distributors")
def templates(request: HttpRequest) -> list[dict[str, Any]]:
    return template_list(actor=actor_of(request))


@router.get("/attributes", response=list[AttributeOut], summary="The attributes formulas can use")
def attributes(request: HttpRequest) -> list[dict[str, Any]]:
    return attribute_list()


@router.get("/export", summary="Every current definition as JSON or YAML")
def export(
    request: HttpRequest, format: Literal["json", "yaml"] = "json", include_deprecated: bool = False
) -> HttpResponse:
    data = metric_export(actor=actor_of(request), include_deprecated=include_deprecated)
    if format == "yaml":
        body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
    else:
        response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="metrics.{format}"'
    return response


@router.post(
    "/import",
    response={200: ImportReportOut, 422: ImportReportOut},
    summary="Import definitions (JSON or YAML body): a dry run unless apply=true",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/yaml": {"schema": {"type": "string"}},
            }
        }
    },
)
def import_definitions(request: HttpRequest, apply: bool = False) -> Any:
    actor = actor_of(request)
    text = request.body.decode("utf-8", errors="replace")
    try:
        data = yaml.safe_load(text) if text.strip() else None  # YAML is a superset of JSON
    except yaml.YAMLError as error:
        raise InvalidInput.on("body", f"not valid JSON or YAML: {error}") from None
    entries = data.get("metrics") if isinstance(data, dict) else data
    report = metrics_import(actor=actor, entries=entries, apply=apply)
    status = 422 if apply and report.errors else 200
    return Status(status, report.as_dict())
