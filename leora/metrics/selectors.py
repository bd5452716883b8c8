"""Reads of metric definitions, always scoped to the actor's tenant first."""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet

from leora.errors import InvalidInput, NotFound
from leora.metrics.defaults import TEMPLATES
from leora.metrics.formula.catalog import CUSTOMER, Entity, public_attributes
from leora.metrics.models import VERSIONED_FIELDS, MetricDefinition, MetricVersion
from leora.tenancy.actors import Actor

METRIC_ORDERING = {"code", "name", "kind", "current_version", "created_at", "updated_at"}


def with_current(definitions: QuerySet[MetricDefinition]) -> QuerySet[MetricDefinition]:
    """Annotate each definition with its current version's formula, unit, format, note and author
    (one join, no query per row)."""
    return definitions.annotate(
        current=FilteredRelation("versions", condition=Q(versions__version=F("current_version")))
    ).annotate(
        formula=F("current__formula"),
        unit=F("current__unit"),
        format=F("current__format"),
        change_note=F("current__change_note"),
        updated_by_email=F("current__created_by__email"),
        deprecated_by_email=F("deprecated_by__email"),
    )


def metric_list(
    *,
    actor: Actor,
    search: str | None = None,
    kind: str | None = None,
    include_deprecated: bool = False,
    current: bool = True,
) -> QuerySet[MetricDefinition]:
    """Return the tenant's definitions (deprecated ones only when asked), searched over code, name and
    description; ordering is left to the caller. With ``current`` each row also carries its current
    version's fields (see ``with_current``); without it counting needs no join."""
    definitions = MetricDefinition.objects.for_tenant(actor.tenant)
    if not include_deprecated:
        definitions = definitions.filter(deprecated_at__isnull=True)
    if kind:
        definitions = definitions.filter(kind=kind)
    if search and search.strip():
        term = search.strip()
        definitions = definitions.filter(
            Q(code__icontains=term) | Q(name__icontains=term) | Q(description__icontains=term)
        )
    return with_current(definitions) if current else definitions


def metric_get(*, actor: Actor, code: str) -> MetricDefinition:
    """Return one definition of the actor's tenant by code (deprecated included); otherwise NotFound."""
    definition = with_current(MetricDefinition.objects.for_tenant(actor.tenant).filter(code=code)).first()
    if definition is None:
        raise NotFound("metric not found")
    return definition


def metric_history(*, definition: MetricDefinition) -> list[MetricVersion]:
    """Return every version of ``definition``, newest first, with its author loaded."""
    return list(
        MetricVersion.objects.for_tenant(definition.tenant_id)
        .filter(definition=definition)
        .select_related("created_by")
        .order_by("-version")
    )


def metric_version_get(
    *, definition: MetricDefinition, version: int, field: str = "version"
) -> MetricVersion:
    found = (
        MetricVersion.objects.for_tenant(definition.tenant_id)
        .filter(definition=definition, version=version)
        .select_related("created_by")
        .first()
    )
    if found is None:
        raise InvalidInput.on(field, f"{definition.code} has no version {version}")
    return found


_TOKENS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\w+|[^\s\w]+|\s+")


def formula_diff(before: str, after: str) -> list[dict[str, str]]:
    """Return a word-level diff of two formulas as ``[{"op": "equal|delete|insert", "text"}]``."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    parts: list[dict[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append({"op": "equal", "text": "".join(old[i1:i2])})
            continue
        if i2 > i1:
            parts.append({"op": "delete", "text": "".join(old[i1:i2])})
        if j2 > j1:
            parts.append({"op": "insert", "text": "".join(new[j1:j2])})
    return parts


def metric_diff(*, definition: MetricDefinition, from_version: int, to_version: int) -> dict[str, Any]:
    """Return what changed between two versions: the changed fields and a word diff of the formula."""
    old = metric_version_get(definition=definition, version=from_version, field="from")
    new = metric_version_get(definition=definition, version=to_version, field="to")
    changes = [
        {"field": name, "before": getattr(old, name), "after": getattr(new, name)}
        for name in VERSIONED_FIELDS
        if getattr(old, name) != getattr(new, name)
    ]
    return {
        "code": definition.code,
        "from_version": old,
        "to_version": new,
        "changes": changes,
        "formula_diff": formula_diff(old.formula, new.formula),
    }


def template_list(*, actor: Actor) -> list[dict[str, Any]]:
    """Return the template library, each marked with whether the tenant already has its code."""
    have = set(
        MetricDefinition.objects.for_tenant(actor.tenant)
        .filter(code__in=[t.code for t in TEMPLATES])
        .values_list("code", flat=True)
    )
    return [{**t.as_dict(), "installed": t.code in have} for t in TEMPLATES]


def metric_export(*, actor: Actor, include_deprecated: bool = False) -> dict[str, Any]:
    """Return the tenant's current definitions in the import format."""
    definitions = metric_list(actor=actor, include_deprecated=include_deprecated).order_by("code")
    return {
        "metrics": [
            {
                "code": d.code,
                "name": d.name,
                "kind": d.kind,
                "formula": d.formula,  # type: ignore[attr-defined]
                "description": d.description,
                "unit": d.unit,  # type: ignore[attr-defined]
                "format": d.format,  # type: ignore[attr-defined]
                "version": d.current_version,
            }
            for d in definitions
        ]
    }


def attribute_list(*, entity: Entity = CUSTOMER) -> list[dict[str, Any]]:
    """Return the attributes formulas about ``entity`` can use, in catalog order, each as
    ``{"name", "type", "unit", "description", "choices"}``: what the API lists and the editor offers.
    The catalog is the same for every tenant."""
    return [
        {
            "name": spec.name,
            "type": spec.type.value,
            "unit": spec.unit,
            "description": spec.description,
            "choices": list(spec.choices),
        }
        for spec in public_attributes(entity).values()
    ]
