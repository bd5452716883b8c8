"""Evaluating formulas and stored metrics against a tenant's customers, inside the database."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from leora.crm.models import Customer
from leora.crm.visibility import visible_customers
from leora.errors import InvalidInput, NotFound
from leora.metrics import cache
from leora.metrics.formula import (
    BuildContext,
    Checked,
    Compiler,
    FType,
    MetricResolver,
    ReferencedMetric,
    analyse,
)
from leora.metrics.formula.catalog import CUSTOMER, from_day_number
from leora.metrics.models import MetricDefinition, MetricKind, MetricVersion
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Tenant


def build_context(tenant: Tenant, today: date | None = None, *, use_facts: bool = True) -> BuildContext:
    """Return the context attributes are built in; ``today`` defaults to the tenant's local date.

    ``use_facts=False`` builds every attribute from the raw orders, lines, invoices and activities
    instead of the customer facts table (same results, slower; for comparisons).
    """
    return BuildContext(
        tenant_id=tenant.pk,
        today=today or tenant_today(tenant),
        timezone=tenant.timezone,
        use_facts=use_facts,
    )


def current_version(tenant: Tenant | int, code: str) -> MetricVersion | None:
    """Return the current version of ``code`` in the tenant (deprecated ones included), or None."""
    return (
        MetricVersion.objects.for_tenant(tenant)
        .filter(definition__code=code, version=F("definition__current_version"))
        .first()
    )


def resolver_for(tenant: Tenant | int, overlay: dict[str, ReferencedMetric] | None = None) -> MetricResolver:
    """Return a function resolving ``metric.<code>`` references to the tenant's current versions;
    a code in ``overlay`` resolves to the metric given there instead (one being created or edited)."""
    pending = overlay or {}

    def resolve(code: str) -> ReferencedMetric | None:
        if code in pending:
            return pending[code]
        version = current_version(tenant, code)
        if version is None:
            return None
        return ReferencedMetric(code=code, kind=version.kind, formula=version.formula)

    return resolve


def analyse_for_tenant(
    tenant: Tenant | int, formula: str, kind: str, overlay: dict[str, ReferencedMetric] | None = None
) -> Checked:
    """Parse and type-check ``formula`` with the tenant's metrics (and ``overlay``) resolvable;
    returns the checked formula, raises FormulaError."""
    return analyse(formula, kind=kind, resolve=resolver_for(tenant, overlay))


def condition_of(checked: Checked, ctx: BuildContext) -> Any:
    """Return the filter condition of a checked segment formula."""
    return Compiler(ctx, checked).condition(checked.tree)


def value_of(checked: Checked, ctx: BuildContext) -> Any:
    """Return the expression of a checked value formula (a float per customer)."""
    return Compiler(ctx, checked).value(checked.tree)


def filter_segment(customers: QuerySet[Customer], checked: Checked, ctx: BuildContext) -> QuerySet[Customer]:
    """Return ``customers`` restricted to those for which the segment formula is true."""
    condition = condition_of(checked, ctx)
    return customers.filter(condition if isinstance(condition, Q) else Q(condition))


def annotate_attributes(
    customers: QuerySet[Customer], checked: Checked, ctx: BuildContext, prefix: str = "attr_"
) -> QuerySet[Customer]:
    """Annotate each attribute the formula uses as ``<prefix><name>`` (booleans as true/false)."""
    annotations: dict[str, Any] = {}
    for name in sorted(checked.attributes):
        expression = CUSTOMER.build(name, ctx)
        if CUSTOMER.attributes[name].type == FType.BOOLEAN:
            expression = ExpressionWrapper(Q(expression), output_field=BooleanField())
        annotations[prefix + name] = expression
    return customers.annotate(**annotations)


@dataclass(frozen=True)
class StoredMetric:
    definition: MetricDefinition
    version: MetricVersion
    checked: Checked


def load_metric(tenant: Tenant, code: str) -> StoredMetric | None:
    """Return the current version of ``code`` checked and ready to compile, or None when unknown."""
    definition = MetricDefinition.objects.for_tenant(tenant).filter(code=code).first()
    if definition is None:
        return None
    version = MetricVersion.objects.for_tenant(tenant).get(
        definition=definition, version=definition.current_version
    )
    checked = _checked_formula(tenant, version)
    return StoredMetric(definition=definition, version=version, checked=checked)


# Checked formulas that reference no other metric, per process, by kind and text: parsing and checking
# costs more than the query a formula compiles to, and such a formula means the same in every tenant.
# One that references other metrics is checked each time, since those may have a new version since.
_CHECKED: dict[tuple[str, str], Checked] = {}
_CHECKED_LIMIT = 1024


def _checked_formula(tenant: Tenant, version: MetricVersion) -> Checked:
    key = (version.kind, version.formula)
    found = _CHECKED.get(key)
    if found is not None:
        return found
    checked = analyse_for_tenant(tenant, version.formula, version.kind)
    if not checked.metrics:
        if len(_CHECKED) >= _CHECKED_LIMIT:
            _CHECKED.clear()
        _CHECKED[key] = checked
    return checked


def scope_key(actor: Actor) -> str:
    """A short stable name for what the actor can see: the whole tenant, or a set of reps."""
    if actor.sees_whole_tenant:
        return "all"
    ids = ",".join(str(i) for i in sorted(actor.team_user_ids))
    return "reps-" + hashlib.sha256(ids.encode()).hexdigest()[:16]


def _stored(tenant: Tenant, code: str, scope: Actor) -> StoredMetric:
    if scope.tenant.pk != tenant.pk:
        raise NotFound("metric not found")
    stored = load_metric(tenant, code)
    if stored is None:
        raise NotFound(f"no metric {code!r} in this tenant")
    return stored


def metric_customers(
    tenant: Tenant, code: str, scope: Actor, *, today: date | None = None
) -> QuerySet[Customer]:
    """Return the customers of segment ``code`` that ``scope`` may see, following the current version.

    ``today`` defaults to the tenant's local date. Raises NotFound for an unknown code and
    InvalidInput for a value metric.
    """
    stored = _stored(tenant, code, scope)
    if stored.version.kind != MetricKind.SEGMENT:
        raise InvalidInput.on("code", f"{code} is a value metric; use metric_values")
    return filter_segment(visible_customers(scope), stored.checked, build_context(tenant, today))


def metric_values(
    tenant: Tenant,
    code: str,
    scope: Actor,
    *,
    customers: QuerySet[Customer] | None = None,
    today: date | None = None,
    name: str = "metric_value",
) -> QuerySet[Customer]:
    """Return the visible customers (or ``customers``, narrowed to visible ones) annotated with
    value metric ``code`` as ``name`` (a float, or None where it cannot be computed)."""
    stored = _stored(tenant, code, scope)
    if stored.version.kind != MetricKind.VALUE:
        raise InvalidInput.on("code", f"{code} is a segment; use metric_customers")
    visible = visible_customers(scope)
    # Narrowed by the one visibility rule rather than a copy of it.
    base = visible if customers is None else customers.filter(pk__in=visible.values("pk"))
    return base.annotate(**{name: value_of(stored.checked, build_context(tenant, today))})


def metric_count(tenant: Tenant, code: str, scope: Actor, *, today: date | None = None) -> int:
    """Return how many visible customers are in segment ``code``; cached per tenant, scope, code and
    version until the tenant's orders, invoices, activities, customers or metrics change."""
    stored = _stored(tenant, code, scope)
    day = today or tenant_today(tenant)
    key = cache.count_key(
        tenant_id=tenant.pk,
        scope=scope_key(scope),
        code=code,
        version=stored.version.version,
        today=day.isoformat(),
    )
    found = cache.get(key)
    if found is not None:
        return int(found)
    if stored.version.kind != MetricKind.SEGMENT:
        raise InvalidInput.on("code", f"{code} is a value metric; it has no count")
    count = filter_segment(visible_customers(scope), stored.checked, build_context(tenant, day)).count()
    cache.put(key, count)
    return count


@dataclass(frozen=True)
class Preview:
    kind: str
    type: str
    count: int
    total: int
    samples: list[dict[str, Any]]
    attributes: list[str]
    elapsed_ms: float
    sql: str | None


def _json_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    spec = CUSTOMER.attributes.get(name)
    if spec is not None and spec.type == FType.DATE:
        day = from_day_number(value)
        return day.isoformat() if day else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def preview(
    *, actor: Actor, checked: Checked, kind: str, today: date | None = None, sample_size: int = 20
) -> Preview:
    """Evaluate a checked formula over the actor's visible customers: the count, a sample with the
    attribute values the formula used, the time it took and (for admins) the SQL."""
    ctx = build_context(actor.tenant, today)
    customers = visible_customers(actor)
    started = time.perf_counter()
    total = customers.count()
    if kind == MetricKind.SEGMENT:
        matching = filter_segment(customers, checked, ctx)
        ordered = matching.order_by("name", "pk")
    else:
        matching = customers.annotate(metric_value=value_of(checked, ctx)).filter(metric_value__isnull=False)
        ordered = matching.order_by(F("metric_value").desc(), "name", "pk")
    count = matching.count()
    rows = list(
        annotate_attributes(ordered, checked, ctx)
        .select_related(None)
        .values("pk", "name", "account_number", *(["metric_value"] if kind == MetricKind.VALUE else []),
                *[f"attr_{name}" for name in sorted(checked.attributes)])[:sample_size]
    )  # fmt: skip
    elapsed = (time.perf_counter() - started) * 1000
    samples = []
    for row in rows:
        sample: dict[str, Any] = {
            "id": row["pk"],
            "name": row["name"],
            "account_number": row["account_number"],
        }
        if kind == MetricKind.VALUE:
            sample["value"] = _json_value("", row["metric_value"])
        sample["attributes"] = {
            name: _json_value(name, row[f"attr_{name}"]) for name in sorted(checked.attributes)
        }
        samples.append(sample)
    sql = None
    if actor.is_admin:
        sql_text, params = matching.query.sql_with_params()
        sql = f"{sql_text}\n-- parameters: {list(params)!r}"
    return Preview(
        kind=kind,
        type=checked.type.value,
        count=count,
        total=total,
        samples=samples,
        attributes=sorted(checked.attributes),
        elapsed_ms=round(elapsed, 1),
        sql=sql,
    )
