"""The metric formula language: parse, type-check, compile to Django ORM expressions.

checked = analyse("order_count >= 3 and overdue_ratio > 1.5", kind="segment")
condition = Compiler(BuildContext(tenant_id=..., today=...), checked).condition(checked.tree)
Customer.objects.for_tenant(tenant).filter(condition)
"""

from __future__ import annotations

from leora.metrics.formula.catalog import (
    CUSTOMER,
    BuildContext,
    attribute_types,
    day_number,
    from_day_number,
    public_attributes,
)
from leora.metrics.formula.compiler import Compiler
from leora.metrics.formula.errors import FormulaError
from leora.metrics.formula.functions import FUNCTIONS, FunctionSpec
from leora.metrics.formula.parser import parse
from leora.metrics.formula.types import Checked, FType, MetricResolver, ReferencedMetric, check


def analyse(text: str, *, kind: str, resolve: MetricResolver | None = None) -> Checked:
    """Parse and type-check ``text`` as a formula of ``kind``; returns the checked tree with the type
    of every node. Raises FormulaError with a position."""
    tree = parse(text)
    if resolve is None:
        return check(tree, kind=kind, attribute_types=attribute_types())
    return check(tree, kind=kind, attribute_types=attribute_types(), resolve=resolve)


__all__ = [
    "CUSTOMER",
    "FUNCTIONS",
    "BuildContext",
    "Checked",
    "Compiler",
    "FType",
    "FormulaError",
    "FunctionSpec",
    "MetricResolver",
    "ReferencedMetric",
    "analyse",
    "attribute_types",
    "check",
    "day_number",
    "from_day_number",
    "parse",
    "public_attributes",
]
