"""Checked syntax tree to Django ORM expressions, evaluated inside the database.

Conditions become lookups combined with ``Q`` (so SQL's three-valued logic applies: a comparison
with an empty value is neither true nor false, and ``not`` of it is not true either). Values become
float expressions. Every literal is a bound parameter. Types come from the checker (``Checked``);
the compiler never works one out itself, and functions compile as their ``FunctionSpec`` says.
"""

from __future__ import annotations

from typing import Any, assert_never

from django.db.models import ExpressionWrapper, FloatField, Q, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import NullIf
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Range,
)

from leora.metrics.formula import nodes as n
from leora.metrics.formula.catalog import CUSTOMER, BuildContext, Entity
from leora.metrics.formula.expressions import float_value
from leora.metrics.formula.ftypes import FType
from leora.metrics.formula.functions import FUNCTIONS
from leora.metrics.formula.types import Checked

COMPARISONS: dict[str, Any] = {
    "=": Exact,
    "<": LessThan,
    "<=": LessThanOrEqual,
    ">": GreaterThan,
    ">=": GreaterThanOrEqual,
}


def _q(condition: Any) -> Q:
    return condition if isinstance(condition, Q) else Q(condition)


class Compiler:
    """Compiles one checked formula (and the metrics it references) for one evaluation context."""

    def __init__(self, ctx: BuildContext, checked: Checked, entity: Entity = CUSTOMER) -> None:
        self.ctx = ctx
        self.checked = checked
        self.entity = entity

    # -- conditions -------------------------------------------------------------------------------
    def condition(self, node: n.Node) -> Any:
        """Return a filterable condition (a lookup or a Q) for a boolean node."""
        match node:
            case n.Boolean():
                return Q(pk__isnull=False) if node.value else Q(pk__isnull=True)
            case n.Attribute():
                return self.entity.build(node.name, self.ctx)
            case n.MetricRef():
                return self.condition(self.checked.metrics[node.code])
            case n.And():
                return _q(self.condition(node.left)) & _q(self.condition(node.right))
            case n.Or():
                return _q(self.condition(node.left)) | _q(self.condition(node.right))
            case n.Not():
                return ~_q(self.condition(node.operand))
            case n.Compare():
                return self.compare(node)
            case n.InList():
                equal = Q()
                for item in node.items:
                    equal |= Q(Exact(self.value(node.operand), self.value(item)))
                return ~equal if node.negated else equal
            case n.Between():
                # SQL's BETWEEN rather than two comparisons: SQLite then evaluates the operand (often
                # a subquery) once per row instead of twice.
                inside = Range(self.value(node.operand), (self.value(node.low), self.value(node.high)))
                return ~Q(inside) if node.negated else inside
            case n.IsNull():
                return IsNull(self.value(node.operand), not node.negated)
            case n.Number() | n.Duration() | n.String() | n.Today() | n.Negate() | n.Arithmetic() | n.Call():
                raise TypeError(f"not a condition: {type(node).__name__}")
            case _:
                assert_never(node)

    def compare(self, node: n.Compare) -> Any:
        """Return the condition of a comparison: of two values, or of a condition with true/false."""
        if self.checked.type_of(node.left) == FType.BOOLEAN:
            # The checker lets conditions be compared only with a true or false literal.
            literal, other = (
                (node.right, node.left) if isinstance(node.right, n.Boolean) else (node.left, node.right)
            )
            assert isinstance(literal, n.Boolean)
            if isinstance(other, n.Boolean):
                same = literal.value == other.value
                return self.condition(n.Boolean(node.line, node.column, same == (node.op == "=")))
            wanted = literal.value == (node.op == "=")
            condition = self.condition(other)
            return condition if wanted else ~_q(condition)
        left, right = self.value(node.left), self.value(node.right)
        if node.op == "!=":
            return ~Q(Exact(left, right))
        return COMPARISONS[node.op](left, right)

    # -- values -----------------------------------------------------------------------------------
    def value(self, node: n.Node) -> Any:
        """Return an expression for a number, duration, date or text node."""
        match node:
            case n.Number():
                return float_value(float(node.value))
            case n.Duration():
                return float_value(float(node.days))
            case n.String():
                return Value(node.value)
            case n.Today():
                return float_value(self.ctx.today_number)
            case n.Attribute():
                return self.entity.build(node.name, self.ctx)
            case n.Negate():
                return ExpressionWrapper(float_value(0) - self.value(node.operand), output_field=FloatField())
            case n.Arithmetic():
                left, right = self.value(node.left), self.value(node.right)
                if node.op == "/":
                    right = NullIf(right, float_value(0))
                return CombinedExpression(left, node.op, right, output_field=FloatField())
            case n.Call():
                spec = FUNCTIONS[node.name]
                return spec.compile(
                    values=[self.value(arg) for arg in spec.value_args(node.args)],
                    type=self.checked.type_of(node),
                    decimals=spec.decimals_of(node.args),
                )
            case (
                n.Boolean() | n.MetricRef() | n.Compare() | n.InList() | n.Between() | n.IsNull() | n.And()
                | n.Or() | n.Not()
            ):  # fmt: skip
                raise TypeError(f"not a value: {type(node).__name__}")
            case _:
                assert_never(node)
