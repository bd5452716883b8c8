"""Type checking: every node gets one of five types before anything is compiled.

Durations and dates are kept apart from plain numbers so that ``days_since_last_order > 3 weeks`` is
fine while ``days_since_last_order > order_count`` is an error. A bare number literal next to a
duration or a date counts as days (``days_since_last_order > 21``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from leora.metrics.formula import nodes as n
from leora.metrics.formula.errors import FormulaError


class FType(StrEnum):
    NUMBER = "number"
    DURATION = "duration"
    DATE = "date"
    TEXT = "text"
    BOOLEAN = "boolean"


DESCRIBED = {
    FType.NUMBER: "a number",
    FType.DURATION: "a duration (e.g. 30 days)",
    FType.DATE: "a date",
    FType.TEXT: "a text",
    FType.BOOLEAN: "a condition (true or false)",
}
FUNCTIONS = ("coalesce", "abs", "min", "max", "round")
KIND_TYPES = {"segment": {FType.BOOLEAN}, "value": {FType.NUMBER, FType.DURATION}}


@dataclass(frozen=True)
class ReferencedMetric:
    """What the checker needs to know about a metric named with ``metric.<code>``."""

    code: str
    kind: str
    formula: str


@dataclass
class Checked:
    """The outcome of checking a formula: its type and everything it depends on."""

    tree: n.Node
    type: FType
    attributes: set[str] = field(default_factory=set)
    # Every referenced metric's checked tree, by code, including references of references.
    metrics: dict[str, n.Node] = field(default_factory=dict)


MetricResolver = Callable[[str], ReferencedMetric | None]


def _no_metrics(code: str) -> ReferencedMetric | None:
    return None


def _is_number_literal(node: n.Node) -> bool:
    if isinstance(node, n.Negate):
        return _is_number_literal(node.operand)
    return isinstance(node, n.Number)


def _symbol(node: n.Node) -> str:
    if isinstance(node, n.Compare):
        return node.op
    if isinstance(node, n.Arithmetic):
        return node.op
    return ""


class _Checker:
    def __init__(
        self, attribute_types: dict[str, FType], resolve: MetricResolver, stack: tuple[str, ...]
    ) -> None:
        self.attribute_types = attribute_types
        self.resolve = resolve
        self.stack = stack
        self.attributes: set[str] = set()
        self.metrics: dict[str, n.Node] = {}

    def fail(self, node: n.Node, message: str, expected: list[str] | None = None) -> FormulaError:
        return FormulaError(message, node.line, node.column, expected or [])

    def expect(self, node: n.Node, allowed: set[FType], after: str) -> FType:
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

    def unify(self, left: n.Node, right: n.Node, op: str, allowed: set[FType]) -> FType:
        """Type of two operands that must agree; a number literal adapts to a duration or date."""
        lt, rt = self.type_of(left), self.type_of(right)
        if lt != FType.NUMBER and rt == FType.NUMBER and _is_number_literal(right):
            rt = FType.DURATION if lt in {FType.DURATION, FType.DATE} else rt
        if rt != FType.NUMBER and lt == FType.NUMBER and _is_number_literal(left):
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
        if isinstance(node, n.Number):
            return FType.NUMBER
        if isinstance(node, n.Duration):
            return FType.DURATION
        if isinstance(node, n.String):
            return FType.TEXT
        if isinstance(node, n.Boolean):
            return FType.BOOLEAN
        if isinstance(node, n.Today):
            return FType.DATE
        if isinstance(node, n.Attribute):
            return self.attribute(node)
        if isinstance(node, n.MetricRef):
            return self.metric(node)
        if isinstance(node, n.Negate):
            return self.expect(node.operand, {FType.NUMBER, FType.DURATION}, "-")
        if isinstance(node, n.Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, n.Compare):
            return self.compare(node)
        if isinstance(node, n.InList):
            for item in node.items:
                self.unify(node.operand, item, "in", {FType.NUMBER, FType.DURATION, FType.DATE, FType.TEXT})
            return FType.BOOLEAN
        if isinstance(node, n.Between):
            scalar = {FType.NUMBER, FType.DURATION, FType.DATE}
            self.unify(node.operand, node.low, "between", scalar)
            self.unify(node.operand, node.high, "and", scalar)
            return FType.BOOLEAN
        if isinstance(node, n.IsNull):
            operand = self.type_of(node.operand)
            if operand == FType.BOOLEAN:
                raise self.fail(node.operand, "'is null' needs a value, not a condition", ["number", "text"])
            return FType.BOOLEAN
        if isinstance(node, (n.And, n.Or)):
            word = "and" if isinstance(node, n.And) else "or"
            self.expect(node.left, {FType.BOOLEAN}, "")
            self.expect(node.right, {FType.BOOLEAN}, word)
            return FType.BOOLEAN
        if isinstance(node, n.Not):
            self.expect(node.operand, {FType.BOOLEAN}, "not")
            return FType.BOOLEAN
        if isinstance(node, n.Call):
            return self.call(node)
        raise self.fail(node, f"unsupported expression {type(node).__name__}")

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
        if referenced.kind != "segment":
            raise self.fail(node, f"metric.{node.code} is a value metric; only segments can be used here")
        from leora.metrics.formula.parser import parse

        try:
            inner = check(
                parse(referenced.formula),
                kind="segment",
                attribute_types=self.attribute_types,
                resolve=self.resolve,
                _stack=(*self.stack, node.code),
            )
        except FormulaError as error:
            raise self.fail(node, f"metric.{node.code} is invalid: {error.message}") from None
        self.attributes |= inner.attributes
        self.metrics.update(inner.metrics)
        self.metrics[node.code] = inner.tree
        return FType.BOOLEAN

    def arithmetic(self, node: n.Arithmetic) -> FType:
        lt, rt = self.type_of(node.left), self.type_of(node.right)
        scalar = {FType.NUMBER, FType.DURATION, FType.DATE}
        if lt not in scalar:
            raise self.fail(node.left, f"'{node.op}' needs numbers, durations or dates", ["number"])
        if rt not in scalar:
            raise self.fail(
                node.right, f"expected a number after '{node.op}', found {DESCRIBED[rt]}", ["number"]
            )
        lit_l, lit_r = _is_number_literal(node.left), _is_number_literal(node.right)
        if node.op in "+-":
            if lt == FType.NUMBER and rt == FType.NUMBER:
                return FType.NUMBER
            if lt in {FType.DURATION, FType.DATE} and (rt == FType.DURATION or lit_r):
                return lt
            if node.op == "+" and rt == FType.DATE and (lt == FType.DURATION or lit_l):
                return FType.DATE
            if lt == FType.DURATION and rt == FType.DATE and node.op == "+":
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
        allowed = {FType.NUMBER, FType.DURATION, FType.DATE}
        if node.op in {"=", "!="}:
            allowed.add(FType.TEXT)
        self.unify(node.left, node.right, node.op, allowed)
        return FType.BOOLEAN

    def call(self, node: n.Call) -> FType:
        name, args = node.name, node.args
        if name not in FUNCTIONS:
            if name in self.attribute_types:
                raise self.fail(node, f"'{name}' is an attribute, not a function", list(FUNCTIONS))
            raise self.fail(node, f"unknown function '{name}'", list(FUNCTIONS))
        numeric = {FType.NUMBER, FType.DURATION}
        if name in {"abs"}:
            if len(args) != 1:
                raise self.fail(node, "abs takes exactly one argument", ["one argument"])
            return self.expect(args[0], numeric, "abs(")
        if name == "round":
            if len(args) not in {1, 2}:
                raise self.fail(
                    node, "round takes a value and optionally a number of decimals", ["1 or 2 arguments"]
                )
            found = self.expect(args[0], numeric, "round(")
            if len(args) == 2:
                digits = args[1]
                if not (
                    isinstance(digits, n.Number) and digits.value == int(digits.value) and digits.value <= 6
                ):
                    raise self.fail(
                        digits, "the decimals of round must be a whole number from 0 to 6", ["0..6"]
                    )
            return found
        if len(args) < 2:
            raise self.fail(node, f"{name} takes at least two arguments", ["2 or more arguments"])
        allowed = {FType.NUMBER, FType.DURATION, FType.DATE}
        if name == "coalesce":
            allowed.add(FType.TEXT)
        # The first argument that is not a bare number decides the type; literals adapt to it.
        anchor = next((a for a in args if not _is_number_literal(a)), args[0])
        result = self.type_of(anchor)
        for arg in args:
            result = self.unify(anchor, arg, f"{name}(", allowed)
        return result


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
        raise FormulaError(f"unknown kind '{kind}'", 1, 1, sorted(KIND_TYPES))
    if found not in allowed:
        wanted = " or ".join(DESCRIBED[t] for t in sorted(allowed))
        raise FormulaError(
            f"a {kind} metric must be {wanted}, but this formula is {DESCRIBED[found]}",
            tree.line,
            tree.column,
            [t.value for t in sorted(allowed)],
        )
    return Checked(tree=tree, type=found, attributes=checker.attributes, metrics=checker.metrics)
