"""Writes of metric definitions. Only admins write; every change is a new immutable version,
made atomically with its audit event. Evaluation for the rest of Leora lives in
``leora.metrics.evaluation`` and is re-exported here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from leora.errors import Conflict, FieldError, InvalidInput, NotFound
from leora.events import event_emit
from leora.metrics import cache
from leora.metrics.defaults import TEMPLATES
from leora.metrics.evaluation import analyse_for_tenant, metric_count, metric_customers, metric_values
from leora.metrics.formula import Checked, FormulaError, ReferencedMetric
from leora.metrics.models import (
    VERSIONED_FIELDS,
    MetricDefinition,
    MetricVersion,
    code_problem,
    kind_problem,
    label_problem,
    name_problem,
)
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role, Tenant
from leora.tenancy.services.audit import audit_record

__all__ = [
    "FormulaInvalid",
    "install_default_metrics",
    "metric_count",
    "metric_create",
    "metric_customers",
    "metric_deprecate",
    "metric_restore",
    "metric_restore_version",
    "metric_update",
    "metric_values",
    "metrics_import",
]


class FormulaInvalid(InvalidInput):
    """A 422 on a formula that carries the position and expectations of the problem."""

    def __init__(self, error: FormulaError, field_name: str = "formula") -> None:
        super().__init__(f"{field_name}: {error.message}", [FieldError(field_name, error.message)])
        self.formula_error = error
        self.field_name = field_name

    def body(self) -> dict[str, Any]:
        """Return the API error body, with line, column and expected on the formula's entry."""
        return {
            "detail": self.detail,
            "errors": [{"field": self.field_name, **self.formula_error.as_dict()}],
        }


def _field_problems(values: Mapping[str, object]) -> list[tuple[str, str]]:
    """Return ``(field, message)`` for every invalid versioned field among ``values`` (text fields
    only; the formula is checked by the formula language)."""
    problems = []
    name, kind = values.get("name"), values.get("kind")
    if isinstance(name, str) and (problem := name_problem(name.strip())):
        problems.append(("name", problem))
    if "kind" in values and (problem := kind_problem(kind)):
        problems.append(("kind", problem))
    for label in ("unit", "format"):
        value = values.get(label)
        if isinstance(value, str) and (problem := label_problem(value)):
            problems.append((label, problem))
    return problems


def _check_fields(values: Mapping[str, object]) -> None:
    for field_name, message in _field_problems(values):
        raise InvalidInput.on(field_name, message)


def _analyse(tenant: Tenant | int, formula: str, kind: str, overlay: dict[str, ReferencedMetric]) -> Checked:
    try:
        return analyse_for_tenant(tenant, formula, kind, overlay)
    except FormulaError as error:
        raise FormulaInvalid(error) from None


def _code_taken(code: str) -> Conflict:
    message = f"a metric with code {code!r} already exists in this tenant"
    return Conflict(message, [FieldError("code", message)])


def _dependents_still_valid(tenant: Tenant, code: str, overlay: dict[str, ReferencedMetric]) -> None:
    """Refuse a change that would break a metric referring to this one (e.g. segment → value)."""
    users = (
        MetricVersion.objects.for_tenant(tenant)
        .filter(formula__contains=f"metric.{code}")
        .filter(version=F("definition__current_version"))
        .exclude(code=code)
    )
    for version in users:
        if not re.search(rf"metric\.{re.escape(code)}\b", version.formula, flags=re.IGNORECASE):
            continue
        try:
            analyse_for_tenant(tenant, version.formula, version.kind, overlay)
        except FormulaError as error:
            raise InvalidInput.on(
                "formula", f"metric {version.code} uses metric.{code} and would break: {error.message}"
            ) from None


def _snapshot(version: MetricVersion) -> dict[str, Any]:
    return {"version": version.version, **{name: getattr(version, name) for name in VERSIONED_FIELDS}}


def _new_version(
    *, definition: MetricDefinition, number: int, values: dict[str, Any], actor: Actor | None, note: str
) -> MetricVersion:
    version = MetricVersion(
        tenant_id=definition.tenant_id,
        definition=definition,
        code=definition.code,
        version=number,
        created_by=actor.user if actor else None,
        change_note=note,
        **values,
    )
    version.save(force_insert=True)
    definition.current_version = number
    definition.name = values["name"]
    definition.description = values["description"]
    definition.kind = values["kind"]
    definition.updated_at = version.created_at
    return version


@transaction.atomic
def metric_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    formula: str,
    description: str = "",
    unit: str = "",
    format: str = "",
    change_note: str = "",
    pending: dict[str, ReferencedMetric] | None = None,
) -> MetricDefinition:
    """Create a definition with its version 1 (admins only). 409 when the code exists, 422 when the
    code, name or formula is invalid (the formula error says where). ``pending`` names metrics being
    created in the same transaction that the formula may reference."""
    require_role(actor, Role.ADMIN)
    if problem := code_problem(code):
        raise InvalidInput.on("code", problem)
    values = {"name": name.strip(), "description": description, "kind": kind, "formula": formula,
              "unit": unit, "format": format}  # fmt: skip
    _check_fields(values)
    tenant = actor.tenant
    if MetricDefinition.objects.for_tenant(tenant).filter(code=code).exists():
        raise _code_taken(code)
    _analyse(tenant, formula, kind, pending or {})
    definition = MetricDefinition(tenant=tenant, code=code, current_version=1, **_mirror(values))
    try:
        with transaction.atomic():
            definition.save(force_insert=True)
    except IntegrityError:
        raise _code_taken(code) from None
    version = _new_version(
        definition=definition, number=1, values=values, actor=actor, note=change_note or "Created"
    )
    definition.save()
    audit_record(
        tenant=tenant, actor=actor.user, action="metric.create", obj=definition, after=_snapshot(version)
    )
    cache.bump("definitions", tenant.pk)
    return definition


def _mirror(values: dict[str, Any]) -> dict[str, Any]:
    return {"name": values["name"], "description": values["description"], "kind": values["kind"]}


def _locked(definition: MetricDefinition) -> MetricDefinition:
    return MetricDefinition.objects.for_tenant(definition.tenant_id).select_for_update().get(pk=definition.pk)


def _current(definition: MetricDefinition) -> MetricVersion:
    return MetricVersion.objects.for_tenant(definition.tenant_id).get(
        definition=definition, version=definition.current_version
    )


@dataclass
class UpdateResult:
    definition: MetricDefinition
    version: MetricVersion
    created: bool


@transaction.atomic
def metric_update(
    *,
    actor: Actor,
    definition: MetricDefinition,
    changes: dict[str, Any],
    expected_version: int | None = None,
    change_note: str = "",
    pending: dict[str, ReferencedMetric] | None = None,
) -> UpdateResult:
    """Save version n+1 with ``changes`` applied to the current version (admins only).

    409 when ``expected_version`` is given and someone saved another version first; an edit that
    changes nothing creates no version (``created`` is False).
    """
    require_role(actor, Role.ADMIN)
    definition = _locked(definition)
    if expected_version is not None and expected_version != definition.current_version:
        message = (
            f"version {definition.current_version} was saved since you opened version {expected_version}; "
            "reload to see it"
        )
        raise Conflict(message, [FieldError("expected_version", message)])
    current = _current(definition)
    values = {name: getattr(current, name) for name in VERSIONED_FIELDS}
    for name, value in changes.items():
        if name in VERSIONED_FIELDS:
            values[name] = value
    values["name"] = values["name"].strip()
    _check_fields(values)
    if all(values[name] == getattr(current, name) for name in VERSIONED_FIELDS):
        return UpdateResult(definition=definition, version=current, created=False)
    overlay = {
        **(pending or {}),
        definition.code: ReferencedMetric(definition.code, values["kind"], values["formula"]),
    }
    _analyse(definition.tenant_id, values["formula"], values["kind"], overlay)
    _dependents_still_valid(actor.tenant, definition.code, overlay)
    version = _new_version(
        definition=definition, number=current.version + 1, values=values, actor=actor, note=change_note
    )
    definition.save()
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="metric.update", obj=definition,
        before=_snapshot(current), after=_snapshot(version),
    )  # fmt: skip
    cache.bump("definitions", actor.tenant.pk)
    event_emit(
        tenant_id=actor.tenant.pk, event="metric.updated",
        data={
            "code": definition.code, "name": version.name, "kind": version.kind, "version": version.version,
        },
    )  # fmt: skip
    return UpdateResult(definition=definition, version=version, created=True)


@transaction.atomic
def metric_restore_version(
    *, actor: Actor, definition: MetricDefinition, version: int, expected_version: int | None = None
) -> UpdateResult:
    """Make an old version current again by saving a copy of it as a new version."""
    old = (
        MetricVersion.objects.for_tenant(definition.tenant_id)
        .filter(definition=definition, version=version)
        .first()
    )
    if old is None:
        raise NotFound(f"version {version} of {definition.code} not found")
    return metric_update(
        actor=actor,
        definition=definition,
        changes={name: getattr(old, name) for name in VERSIONED_FIELDS},
        expected_version=expected_version,
        change_note=f"Restored version {version}",
    )


@transaction.atomic
def metric_deprecate(*, actor: Actor, definition: MetricDefinition, reason: str = "") -> MetricDefinition:
    """Hide a definition from the default list; its history stays and it still resolves by code."""
    require_role(actor, Role.ADMIN)
    definition = _locked(definition)
    if definition.deprecated_at is None:
        definition.deprecated_at = timezone.now()
        definition.deprecated_by = actor.user
        definition.deprecation_reason = reason
        definition.save(update_fields=["deprecated_at", "deprecated_by", "deprecation_reason"])
        audit_record(
            tenant=actor.tenant, actor=actor.user, action="metric.deprecate", obj=definition,
            after={"reason": reason},
        )  # fmt: skip
        cache.bump("definitions", actor.tenant.pk)
    return definition


@transaction.atomic
def metric_restore(*, actor: Actor, definition: MetricDefinition) -> MetricDefinition:
    """Undo a deprecation."""
    require_role(actor, Role.ADMIN)
    definition = _locked(definition)
    if definition.deprecated_at is not None:
        before = {
            "deprecated_at": definition.deprecated_at.isoformat(),
            "reason": definition.deprecation_reason,
        }
        definition.deprecated_at = None
        definition.deprecated_by = None
        definition.deprecation_reason = ""
        definition.save(update_fields=["deprecated_at", "deprecated_by", "deprecation_reason"])
        audit_record(
            tenant=actor.tenant, actor=actor.user, action="metric.restore", obj=definition, before=before
        )
        cache.bump("definitions", actor.tenant.pk)
    return definition


def install_default_metrics(tenant: Tenant) -> int:
    """Create every template definition the tenant does not have yet; returns how many were created.

    Idempotent: codes that exist (even deprecated or changed) are left alone.
    """
    with transaction.atomic():
        existing = set(MetricDefinition.objects.for_tenant(tenant).values_list("code", flat=True))
        missing = [t for t in TEMPLATES if t.code not in existing]
        if not missing:
            return 0
        now = timezone.now()
        definitions = MetricDefinition.objects.for_tenant(tenant).bulk_create(
            [
                MetricDefinition(
                    tenant=tenant, code=t.code, name=t.name, description=t.description, kind=t.kind,
                    current_version=1, created_at=now, updated_at=now,
                )
                for t in missing
            ]
        )  # fmt: skip
        MetricVersion.objects.for_tenant(tenant).bulk_create(
            [
                MetricVersion(
                    tenant=tenant, definition=d, code=t.code, version=1, name=t.name,
                    description=t.description, kind=t.kind, formula=t.formula, unit=t.unit, format=t.format,
                    change_note="Installed from the template library", created_at=now,
                )
                for d, t in zip(definitions, missing, strict=True)
            ]
        )  # fmt: skip
        cache.bump("definitions", tenant.pk)
    return len(missing)


# -- import ---------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    applied: bool = False
    created: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def _entry_values(entry: Any, index: int, report: ImportReport) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        report.errors.append(
            {"index": index, "code": None, "field": "", "message": "each entry must be an object"}
        )
        return None
    code = entry.get("code")
    values: dict[str, Any] = {"code": code}
    problems = []
    if problem := code_problem(code):
        problems.append(("code", problem))
    for name in VERSIONED_FIELDS:
        value = entry.get(name, "" if name in {"description", "unit", "format"} else None)
        if not isinstance(value, str):
            problems.append((name, "is required and must be text"))
        values[name] = value
    problems.extend(_field_problems(values))
    for name, message in problems:
        report.errors.append({"index": index, "code": code, "field": name, "message": message})
    return None if problems else values


def metrics_import(*, actor: Actor, entries: Any, apply: bool = False) -> ImportReport:
    """Compare ``entries`` with the tenant's metrics and, when ``apply``, create and update them all
    in one transaction. With any error nothing is applied; the report lists per-entry errors."""
    require_role(actor, Role.ADMIN)
    tenant = actor.tenant
    report = ImportReport()
    if not isinstance(entries, list):
        raise InvalidInput.on("metrics", "expected a list of metric definitions under 'metrics'")
    parsed: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        values = _entry_values(entry, index, report)
        if values is None:
            continue
        if values["code"] in seen:
            report.errors.append({"index": index, "code": values["code"], "field": "code",
                                  "message": "this code appears twice in the file"})  # fmt: skip
            continue
        seen.add(values["code"])
        parsed.append({"index": index, **values})
    overlay = {v["code"]: ReferencedMetric(v["code"], v["kind"], v["formula"]) for v in parsed}
    existing = {d.code: d for d in MetricDefinition.objects.for_tenant(tenant).filter(code__in=list(overlay))}
    currents = {
        v.code: v
        for v in MetricVersion.objects.for_tenant(tenant).filter(
            Q(code__in=list(existing)), version=F("definition__current_version")
        )
    }
    plan: list[tuple[dict[str, Any], MetricDefinition | None, dict[str, Any]]] = []
    for values in parsed:
        code = values["code"]
        try:
            analyse_for_tenant(tenant, values["formula"], values["kind"], overlay)
        except FormulaError as error:
            report.errors.append(
                {"index": values["index"], "code": code, "field": "formula", **error.as_dict()}
            )
            continue
        current = currents.get(code)
        if current is None:
            report.created.append(code)
            plan.append((values, None, {}))
            continue
        diff = {
            name: {"from": getattr(current, name), "to": values[name]}
            for name in VERSIONED_FIELDS
            if getattr(current, name) != values[name]
        }
        if diff:
            report.changed.append({"code": code, "fields": diff})
            plan.append((values, existing[code], diff))
        else:
            report.unchanged.append(code)
    if not apply or report.errors:
        return report
    with transaction.atomic():
        for values, definition, _diff in plan:
            fields = {name: values[name] for name in VERSIONED_FIELDS}
            if definition is None:
                metric_create(
                    actor=actor, code=values["code"], change_note="Imported", pending=overlay, **fields
                )
            else:
                metric_update(
                    actor=actor,
                    definition=definition,
                    changes=fields,
                    change_note="Imported",
                    pending=overlay,
                )
        audit_record(
            tenant=tenant, actor=actor.user, action="metric.import", obj=tenant,
            after={"created": report.created, "changed": [c["code"] for c in report.changed]},
        )  # fmt: skip
    report.applied = True
    return report
