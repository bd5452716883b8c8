"""Checked syntax tree to Django ORM expressions, evaluated inside the database.

Conditions become lookups combined with ``Q`` (so SQL's three-valued logic applies: a comparison
with an empty value is neither true nor false, and ``not`` of it is not true either). Values become
float expressions. Every literal is a bound parameter.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, ExpressionWrapper, FloatField, Q, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Abs, Coalesce, Floor, NullIf, Sign
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
from leora.metrics.formula.types import FType

COMPARISONS: dict[str, Any] = {
    "=": Exact,
    "<": LessThan,
    "<=": LessThanOrEqual,
    ">": GreaterThan,
    ">=": GreaterThanOrEqual,
}


def _q(condition: Any) -> Q:
    return condition if isinstance(condition, Q) else Q(condition)


def _float_value(value: float) -> Value:
    return Value(float(value), output_field=FloatField())


class Compiler:
    """Compiles one formula (and the metrics it references) for one evaluation context."""

    def __init__(
        self,
        ctx: BuildContext,
        metrics: dict[str, n.Node] | None = None,
        attribute_types: dict[str, FType] | None = None,
        entity: Entity = CUSTOMER,
    ) -> None:
        self.ctx = ctx
        self.metrics = metrics or {}
        self.entity = entity
        self.types = attribute_types or entity.types()

    # -- conditions -------------------------------------------------------------------------------
    def condition(self, node: n.Node) -> Any:
        """Return a filterable condition (a lookup or a Q) for a boolean node."""
        if isinstance(node, n.Boolean):
            return Q(pk__isnull=False) if node.value else Q(pk__isnull=True)
        if isinstance(node, n.Attribute):
            return self.entity.build(node.name, self.ctx)
        if isinstance(node, n.MetricRef):
            return self.condition(self.metrics[node.code])
        if isinstance(node, n.And):
            return _q(self.condition(node.left)) & _q(self.condition(node.right))
        if isinstance(node, n.Or):
            return _q(self.condition(node.left)) | _q(self.condition(node.right))
        if isinstance(node, n.Not):
            return ~_q(self.condition(node.operand))
        if isinstance(node, n.Compare):
            return self.compare(node)
        if isinstance(node, n.InList):
            equal = Q()
            for item in node.items:
                equal |= Q(Exact(self.value(node.operand), self.value(item)))
            return ~equal if node.negated else equal
        if isinstance(node, n.Between):
            # SQL's BETWEEN rather than two comparisons: SQLite then evaluates the operand (often a
            # subquery) once per row instead of twice.
            inside = Range(self.value(node.operand), (self.value(node.low), self.value(node.high)))
            return ~Q(inside) if node.negated else inside
        if isinstance(node, n.IsNull):
            return IsNull(self.value(node.operand), not node.negated)
        raise TypeError(f"not a condition: {type(node).__name__}")

    def compare(self, node: n.Compare) -> Any:
        if isinstance(node.right, n.Boolean) or isinstance(node.left, n.Boolean):
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
        if isinstance(node, (n.Number, n.Duration)):
            return _float_value(float(node.value if isinstance(node, n.Number) else node.days))
        if isinstance(node, n.String):
            return Value(node.value)
        if isinstance(node, n.Today):
            return _float_value(self.ctx.today_number)
        if isinstance(node, n.Attribute):
            return self.entity.build(node.name, self.ctx)
        if isinstance(node, n.Negate):
            return ExpressionWrapper(_float_value(0) - self.value(node.operand), output_field=FloatField())
        if isinstance(node, n.Arithmetic):
            left, right = self.value(node.left), self.value(node.right)
            if node.op == "/":
                right = NullIf(right, _float_value(0))
            return CombinedExpression(left, node.op, right, output_field=FloatField())
        if isinstance(node, n.Call):
            return self.call(node)
        raise TypeError(f"not a value: {type(node).__name__}")

    def call(self, node: n.Call) -> Any:
        args = [self.value(arg) for arg in node.args]
        output = FloatField() if not self._is_text(node.args) else None
        if node.name == "coalesce":
            return Coalesce(*args, output_field=output) if output else Coalesce(*args)
        if node.name == "abs":
            return Abs(args[0], output_field=FloatField())
        if node.name == "round":
            digits = int(node.args[1].value) if len(node.args) == 2 else 0  # type: ignore[attr-defined]
            return self._round(args[0], digits)
        result = args[0]
        for arg in args[1:]:
            result = self._pick(result, arg, smaller=node.name == "min")
        return result

    def _is_text(self, args: tuple[n.Node, ...]) -> bool:
        for arg in args:
            if isinstance(arg, n.String):
                return True
            if isinstance(arg, n.Attribute) and self.types.get(arg.name) == FType.TEXT:
                return True
            if isinstance(arg, n.Call) and arg.name == "coalesce" and self._is_text(arg.args):
                return True
        return False

    @staticmethod
    def _pick(a: Any, b: Any, *, smaller: bool) -> Any:
        # LEAST/GREATEST skip NULLs on PostgreSQL but not on SQLite; spell it out so both agree.
        better = LessThanOrEqual(a, b) if smaller else GreaterThanOrEqual(a, b)
        return Case(
            When(Q(IsNull(a, True)) | Q(IsNull(b, True)), then=Value(None, output_field=FloatField())),
            When(better, then=a),
            default=b,
            output_field=FloatField(),
        )

    @staticmethod
    def _round(value: Any, digits: int) -> Any:
        # Half away from zero on both databases (PostgreSQL's round(double) rounds half to even).
        scale = _float_value(10.0**digits)
        scaled = CombinedExpression(
            Abs(value, output_field=FloatField()), "*", scale, output_field=FloatField()
        )
        floored = Floor(CombinedExpression(scaled, "+", _float_value(0.5), output_field=FloatField()))
        signed = CombinedExpression(
            Sign(value, output_field=FloatField()), "*", floored, output_field=FloatField()
        )
        return CombinedExpression(signed, "/", scale, output_field=FloatField())
