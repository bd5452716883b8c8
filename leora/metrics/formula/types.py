"""Type checking: every node gets one of five types before anything is compiled.

Durations and dates are kept apart from plain numbers so that ``days_since_last_order > 3 weeks`` is
fine while ``days_since_last_order > order_count`` is an error. A bare number literal next to a
duration or a date counts as days (``days_since_last_order > 21``). The checker records the type of
every node in ``Checked``; the compiler reads it from there instead of working it out again.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import assert_never

from leora.metrics.formula import nodes as n
from leora.metrics.formula.errors import FormulaError
from leora.metrics.formula.ftypes import DESCRIBED, NUMERIC, SCALAR, FType
from leora.metrics.formula.functions import FUNCTIONS, MAX_DECIMALS
from leora.metrics.models import MetricKind

__all__ = ["DESCRIBED", "KIND_TYPES", "Checked", "FType", "MetricResolver", "ReferencedMetric", "check"]

# What a metric of each kind must evaluate to.
KIND_TYPES: dict[str, frozenset[FType]] = {
    MetricKind.SEGMENT.value: frozenset({FType.BOOLEAN}),
    MetricKind.VALUE.value: NUMERIC,
}


@dataclass(frozen=True)
class ReferencedMetric:
    """What the checker needs to know about a metric named with ``metric.<code>``."""

    code: str
    kind: str
    formula: str


@dataclass
class Checked:
    """The outcome of checking a formula: its type, the type of every node and what it depends on."""

    tree: n.Node
    type: FType
    attributes: set[str] = field(default_factory=set)
    # Every referenced metric's checked tree, by code, including references of references.
    metrics: dict[str, n.Node] = field(default_factory=dict)
    # The type of every node of ``tree`` and of the referenced trees. Nodes are immutable values
    # and a node's type depends only on what is below it, so equal nodes share one entry.
    types: dict[n.Node, FType] = field(default_factory=dict)

    def type_of(self, node: n.Node) -> FType:
        """Return the type the checker found for ``node``; LookupError for a node it never saw."""
        try:
            return self.types[node]
        except KeyError:
            where = f"line {node.line}, column {node.column}"
            raise LookupError(f"{type(node).__name__} at {where} was not type-checked") from None


MetricResolver = Callable[[str], ReferencedMetric | None]


def _no_metrics(code: str) -> ReferencedMetric | None:
    return None


class _Checker:
    def __init__(
        self, attribute_types: dict[str, FType], resolve: MetricResolver, stack: tuple[str, ...]
    ) -> None:
        self.attribute_types = attribute_types
        self.resolve = resolve
        self.stack = stack
        self.attributes: set[str] = set()
        self.metrics: dict[str, n.Node] = {}
        self.types: dict[n.Node, FType] = {}

    def fail(self, node: n.Node, message: str, expected: list[str] | None = None) -> FormulaError:
        return FormulaError(message, node.line, node.column, expected or [])

    def expect(self, node: n.Node, allowed: frozenset[FType], after: str) -> FType:
        found = self.type_of(node)
        if found not in allowed:
            wanted = " or ".join(DESCRIBED[t] for t in sorted(allowed))
            where = f" after '{after}'" if after else ""
            raise self.fail(
                node,
                f"expected {wanted}{where}, found {DESCRIBED[found]}",
                [t.value for t in sorted(allowed)],
            )
        return found

    def unify(self, left: n.Node, right: n.Node, op: str, allowed: frozenset[FType]) -> FType:
        """Type of two operands that must agree; a number literal adapts to a duration or date."""
        lt, rt = self.type_of(left), self.type_of(right)
        if lt != FType.NUMBER and rt == FType.NUMBER and n.is_number_literal(right):
            rt = FType.DURATION if lt in {FType.DURATION, FType.DATE} else rt
        if rt != FType.NUMBER and lt == FType.NUMBER and n.is_number_literal(left):
            lt = FType.DURATION if rt in {FType.DURATION, FType.DATE} else lt
        if lt not in allowed:
            raise self.fail(
                left,
                f"'{op}' cannot be used with {DESCRIBED[lt]}",
                [t.value for t in sorted(allowed)],
            )
        if rt != lt:
            raise self.fail(
                right, f"expected {DESCRIBED[lt]} after '{op}', found {DESCRIBED[rt]}", [lt.value]
            )
        return lt

    def type_of(self, node: n.Node) -> FType:
        """Return the type of ``node``, recording it (each node is worked out once, however often
        the rules ask: nested calls would otherwise be re-checked exponentially often)."""
        found = self.types.get(node)
        if found is None:
            found = self.types[node] = self._type_of(node)
        return found

    def _type_of(self, node: n.Node) -> FType:
        match node:
            case n.Number():
                return FType.NUMBER
            case n.Duration():
                return FType.DURATION
            case n.String():
                return FType.TEXT
            case n.Boolean():
                return FType.BOOLEAN
            case n.Today():
                return FType.DATE
            case n.Attribute():
                return self.attribute(node)
            case n.MetricRef():
                return self.metric(node)
            case n.Negate():
                return self.expect(node.operand, NUMERIC, "-")
            case n.Arithmetic():
                return self.arithmetic(node)
            case n.Compare():
                return self.compare(node)
            case n.InList():
                for item in node.items:
                    self.unify(node.operand, item, "in", SCALAR | {FType.TEXT})
                return FType.BOOLEAN
            case n.Between():
                self.unify(node.operand, node.low, "between", SCALAR)
                self.unify(node.operand, node.high, "and", SCALAR)
                return FType.BOOLEAN
            case n.IsNull():
                if self.type_of(node.operand) == FType.BOOLEAN:
                    raise self.fail(
                        node.operand, "'is null' needs a value, not a condition", ["number", "text"]
                    )
                return FType.BOOLEAN
            case n.And() | n.Or():
                self.expect(node.left, frozenset({FType.BOOLEAN}), "")
                self.expect(
                    node.right, frozenset({FType.BOOLEAN}), "and" if isinstance(node, n.And) else "or"
                )
                return FType.BOOLEAN
            case n.Not():
                self.expect(node.operand, frozenset({FType.BOOLEAN}), "not")
                return FType.BOOLEAN
            case n.Call():
                return self.call(node)
            case _:
                assert_never(node)

    def attribute(self, node: n.Attribute) -> FType:
        found = self.attribute_types.get(node.name)
        if found is None:
            close = difflib.get_close_matches(node.name, list(self.attribute_types), n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            if node.name in FUNCTIONS:
                raise self.fail(node, f"'{node.name}' is a function: write {node.name}(...)", ["("])
            raise self.fail(
                node, f"unknown attribute '{node.name}'{hint}", close or sorted(self.attribute_types)
            )
        self.attributes.add(node.name)
        return found

    def metric(self, node: n.MetricRef) -> FType:
        if node.code in self.stack:
            path = " → ".join([*self.stack[self.stack.index(node.code) :], node.code])
            raise self.fail(node, f"metric.{node.code} refers back to itself ({path})")
        if node.code in self.metrics:
            return FType.BOOLEAN
        referenced = self.resolve(node.code)
        if referenced is None:
            raise self.fail(node, f"there is no metric '{node.code}' in this tenant", ["metric code"])
        if referenced.kind != MetricKind.SEGMENT:
            raise self.fail(node, f"metric.{node.code} is a value metric; only segments can be used here")
        from leora.metrics.formula.parser import parse

        try:
            inner = check(
                parse(referenced.formula),
                kind=MetricKind.SEGMENT,
                attribute_types=self.attribute_types,
                resolve=self.resolve,
                _stack=(*self.stack, node.code),
            )
        except FormulaError as error:
            raise self.fail(node, f"metric.{node.code} is invalid: {error.message}") from None
        self.attributes |= inner.attributes
        self.metrics.update(inner.metrics)
        self.metrics[node.code] = inner.tree
        self.types.update(inner.types)
        return FType.BOOLEAN

    def arithmetic(self, node: n.Arithmetic) -> FType:
        lt, rt = self.type_of(node.left), self.type_of(node.right)
        if lt not in SCALAR:
            raise self.fail(node.left, f"'{node.op}' needs numbers, durations or dates", ["number"])
        if rt not in SCALAR:
            raise self.fail(
                node.right, f"expected a number after '{node.op}', found {DESCRIBED[rt]}", ["number"]
            )
        lit_l, lit_r = n.is_number_literal(node.left), n.is_number_literal(node.right)
        if node.op in "+-":
            if lt == FType.NUMBER and rt == FType.NUMBER:
                return FType.NUMBER
            if lt in {FType.DURATION, FType.DATE} and (rt == FType.DURATION or lit_r):
                return lt
            if node.op == "+" and rt == FType.DATE and (lt == FType.DURATION or lit_l):
                return FType.DATE
            if node.op == "-" and lt == FType.DATE and rt == FType.DATE:
                return FType.DURATION
            if lt == FType.NUMBER and lit_l and rt == FType.DURATION:
                return FType.DURATION
            raise self.fail(
                node.right,
                f"expected {DESCRIBED[lt if lt != FType.DATE else FType.DURATION]} after '{node.op}', "
                f"found {DESCRIBED[rt]}",
                [lt.value if lt != FType.DATE else FType.DURATION.value],
            )
        if FType.DATE in {lt, rt}:
            date_side = node.left if lt == FType.DATE else node.right
            raise self.fail(date_side, f"a date cannot be used with '{node.op}'", ["number", "duration"])
        if node.op == "*":
            if lt == FType.DURATION and rt == FType.DURATION:
                raise self.fail(node.right, "expected a number after '*', found a duration", ["number"])
            return FType.DURATION if FType.DURATION in {lt, rt} else FType.NUMBER
        # division
        if lt == FType.NUMBER and rt == FType.DURATION:
            raise self.fail(node.right, "expected a number after '/', found a duration", ["number"])
        if lt == FType.DURATION and rt == FType.DURATION:
            return FType.NUMBER
        return lt

    def compare(self, node: n.Compare) -> FType:
        lt, rt = self.type_of(node.left), self.type_of(node.right)
        if FType.BOOLEAN in {lt, rt}:
            if node.op not in {"=", "!="}:
                side = node.left if lt == FType.BOOLEAN else node.right
                raise self.fail(
                    side, f"a condition cannot be compared with '{node.op}'", ["= true", "= false"]
                )
            if not (isinstance(node.left, n.Boolean) or isinstance(node.right, n.Boolean)):
                raise self.fail(node.right, f"expected true or false after '{node.op}'", ["true", "false"])
            if lt != rt:
                other = node.right if lt == FType.BOOLEAN else node.left
                raise self.fail(other, f"expected true or false after '{node.op}'", ["true", "false"])
            return FType.BOOLEAN
        allowed = SCALAR | {FType.TEXT} if node.op in {"=", "!="} else SCALAR
        self.unify(node.left, node.right, node.op, allowed)
        return FType.BOOLEAN

    def call(self, node: n.Call) -> FType:
        spec = FUNCTIONS.get(node.name)
        if spec is None:
            if node.name in self.attribute_types:
                raise self.fail(node, f"'{node.name}' is an attribute, not a function", list(FUNCTIONS))
            raise self.fail(node, f"unknown function '{node.name}'", list(FUNCTIONS))
        if not spec.takes(len(node.args)):
            message, expected = spec.arity_error()
            raise self.fail(node, message, expected)
        values = spec.value_args(node.args)
        if len(values) == 1:
            found = self.expect(values[0], spec.accepts, f"{spec.name}(")
        else:
            # The first argument that is not a bare number decides the type; literals adapt to it.
            anchor = next((a for a in values if not n.is_number_literal(a)), values[0])
            found = self.type_of(anchor)
            for arg in values:
                found = self.unify(anchor, arg, f"{spec.name}(", spec.accepts)
        decimals = spec.decimals_arg(node.args)
        if decimals is not None:
            # Written as a literal: the number of decimals is part of the SQL's shape, not a value.
            if not (
                isinstance(decimals, n.Number)
                and decimals.value == int(decimals.value)
                and decimals.value <= MAX_DECIMALS
            ):
                raise self.fail(
                    decimals,
                    f"the decimals of {spec.name} must be a whole number from 0 to {MAX_DECIMALS}",
                    [f"0..{MAX_DECIMALS}"],
                )
            self.type_of(decimals)
        return spec.returns or found


def check(
    tree: n.Node,
    *,
    kind: str,
    attribute_types: dict[str, FType],
    resolve: MetricResolver = _no_metrics,
    _stack: tuple[str, ...] = (),
) -> Checked:
    """Type-check ``tree`` for a metric of ``kind``; returns its type and what it depends on."""
    checker = _Checker(attribute_types, resolve, _stack)
    found = checker.type_of(tree)
    allowed = KIND_TYPES.get(kind)
    if allowed is None:
        raise FormulaError(f"unknown kind '{kind}'", 1, 1, list(KIND_TYPES))
    if found not in allowed:
        wanted = " or ".join(DESCRIBED[t] for t in sorted(allowed))
        raise FormulaError(
            f"a {kind} metric must be {wanted}, but this formula is {DESCRIBED[found]}",
            tree.line,
            tree.column,
            [t.value for t in sorted(allowed)],
        )
    return Checked(
        tree=tree, type=found, attributes=checker.attributes, metrics=checker.metrics, types=checker.types
    )
