"""Evaluating formulas and stored metrics against a tenant's customers, inside the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from leora.crm.models import Customer
from leora.metrics.formula import BuildContext, Checked, Compiler, FType, ReferencedMetric, analyse
from leora.metrics.formula.catalog import CUSTOMER
from leora.metrics.models import MetricDefinition, MetricVersion
from leora.tenancy.models import Tenant


def tenant_today(tenant: Tenant) -> date:
    """Return today's date in the tenant's time zone: the default "today" of every evaluation."""
    return timezone.localdate(timezone=tenant.tzinfo)


def build_context(tenant: Tenant, today: date | None = None) -> BuildContext:
    """Return the context attributes are built in; ``today`` defaults to the tenant's local date."""
    return BuildContext(tenant_id=tenant.pk, today=today or tenant_today(tenant), timezone=tenant.timezone)


def current_version(tenant: Tenant | int, code: str) -> MetricVersion | None:
    """Return the current version of ``code`` in the tenant (deprecated ones included), or None."""
    return (
        MetricVersion.objects.for_tenant(tenant)
        .filter(definition__code=code, version=F("definition__current_version"))
        .first()
    )


def resolver_for(tenant: Tenant | int) -> Any:
    """Return a function resolving ``metric.<code>`` references to the tenant's current versions."""

    def resolve(code: str) -> ReferencedMetric | None:
        version = current_version(tenant, code)
        if version is None:
            return None
        return ReferencedMetric(code=code, kind=version.kind, formula=version.formula)

    return resolve


def analyse_for_tenant(tenant: Tenant | int, formula: str, kind: str) -> Checked:
    """Parse and type-check ``formula`` with the tenant's metrics resolvable; raises FormulaError."""
    return analyse(formula, kind=kind, resolve=resolver_for(tenant))


def condition_of(checked: Checked, ctx: BuildContext) -> Any:
    """Return the filter condition of a checked segment formula."""
    return Compiler(ctx, checked.metrics).condition(checked.tree)


def value_of(checked: Checked, ctx: BuildContext) -> Any:
    """Return the expression of a checked value formula (a float per customer)."""
    return Compiler(ctx, checked.metrics).value(checked.tree)


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
    checked = analyse_for_tenant(tenant, version.formula, version.kind)
    return StoredMetric(definition=definition, version=version, checked=checked)
