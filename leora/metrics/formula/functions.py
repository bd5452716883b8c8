"""The functions a formula can call, one ``FunctionSpec`` each.

A spec says everything the language needs to know about its function: how many arguments it takes
and of which types, what type it returns, how it compiles to a Django expression and what it means
in plain Python (the meaning the tests' reference evaluator checks the SQL against). The type
checker, the compiler and the reference read ``FUNCTIONS``; adding a function is adding one entry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import FloatField
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Abs, Coalesce, Floor, Sign

from leora.metrics.formula import nodes as n
from leora.metrics.formula.expressions import StrictPick, float_value
from leora.metrics.formula.ftypes import NUMERIC, SCALAR, FType

MAX_DECIMALS = 6
_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


class CompileCall(Protocol):
    def __call__(self, *, values: list[Any], type: FType, decimals: int) -> Any:
        """Return the Django expression of a call from its compiled value arguments, the call's type
        (as the checker recorded it) and its literal number of decimals (0 when it takes none)."""
        ...


class EvaluateCall(Protocol):
    def __call__(self, *, values: list[Any], decimals: int) -> Any:
        """Return the call's value from Python values of its arguments (None is SQL's NULL)."""
        ...


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    description: str
    # The types every value argument may have; several value arguments must share one type, and a
    # bare number among them adapts to a duration or a date.
    accepts: frozenset[FType]
    min_values: int
    max_values: int | None  # None: any number
    compile: CompileCall
    evaluate: EvaluateCall
    # An optional last argument written as a whole number from 0 to MAX_DECIMALS (round's decimals).
    decimals: bool = False
    returns: FType | None = None  # None: the type the value arguments share

    @property
    def max_args(self) -> int | None:
        """Return the most arguments a call may pass (None: no limit)."""
        if self.max_values is None:
            return None
        return self.max_values + (1 if self.decimals else 0)

    def takes(self, count: int) -> bool:
        """Return whether a call may pass ``count`` arguments."""
        return count >= self.min_values and (self.max_args is None or count <= self.max_args)

    def arity_error(self) -> tuple[str, list[str]]:
        """Return the message and the expectation shown when a call passes a wrong number of arguments."""
        low, high = self.min_values, self.max_args
        if self.decimals:
            return f"{self.name} takes a value and optionally a number of decimals", [
                f"{low} or {high} arguments"
            ]
        if high == low:
            word = _WORDS.get(low, str(low))
            plural = "argument" if low == 1 else "arguments"
            return f"{self.name} takes exactly {word} {plural}", [f"{word} {plural}"]
        if high is None:
            return f"{self.name} takes at least {_WORDS.get(low, str(low))} arguments", [
                f"{low} or more arguments"
            ]
        return f"{self.name} takes {low} to {high} arguments", [f"{low} to {high} arguments"]

    def value_args(self, args: Sequence[n.Node]) -> tuple[n.Node, ...]:
        """Return the arguments of a call that are values (all but a decimals argument)."""
        if self.decimals and self.max_args is not None and len(args) == self.max_args:
            return tuple(args[:-1])
        return tuple(args)

    def decimals_arg(self, args: Sequence[n.Node]) -> n.Node | None:
        """Return the decimals argument of a call, or None when it has none."""
        values = self.value_args(args)
        return args[-1] if len(values) < len(args) else None

    def decimals_of(self, args: Sequence[n.Node]) -> int:
        """Return a checked call's number of decimals (0 when it passes none)."""
        match self.decimals_arg(args):
            case None:
                return 0
            case n.Number(value=value):
                return int(value)
            case other:
                raise TypeError(f"the decimals of {self.name} must be a number literal, not {other!r}")


# -- SQL ----------------------------------------------------------------------------------------------


def _coalesce_sql(*, values: list[Any], type: FType, decimals: int) -> Any:
    # Text keeps its own column type; every other type is a float inside SQL.
    if type == FType.TEXT:
        return Coalesce(*values)
    return Coalesce(*values, output_field=FloatField())


def _abs_sql(*, values: list[Any], type: FType, decimals: int) -> Any:
    return Abs(values[0], output_field=FloatField())


def _round_sql(*, values: list[Any], type: FType, decimals: int) -> Any:
    # Half away from zero on both databases (PostgreSQL's round(double) rounds half to even).
    value = values[0]
    scale = float_value(10.0**decimals)
    scaled = CombinedExpression(Abs(value, output_field=FloatField()), "*", scale, output_field=FloatField())
    floored = Floor(CombinedExpression(scaled, "+", float_value(0.5), output_field=FloatField()))
    signed = CombinedExpression(
        Sign(value, output_field=FloatField()), "*", floored, output_field=FloatField()
    )
    return CombinedExpression(signed, "/", scale, output_field=FloatField())


def _pick_sql(values: list[Any], *, smaller: bool) -> Any:
    # NULL when any argument is NULL, on both databases (see StrictPick).
    result = values[0]
    for other in values[1:]:
        result = StrictPick(result, other, smaller=smaller)
    return result


def _min_sql(*, values: list[Any], type: FType, decimals: int) -> Any:
    return _pick_sql(values, smaller=True)


def _max_sql(*, values: list[Any], type: FType, decimals: int) -> Any:
    return _pick_sql(values, smaller=False)


# -- Python ---------------------------------------------------------------------------------------


def _coalesce_py(*, values: list[Any], decimals: int) -> Any:
    return next((value for value in values if value is not None), None)


def _abs_py(*, values: list[Any], decimals: int) -> Any:
    return None if values[0] is None else abs(values[0])


def _round_py(*, values: list[Any], decimals: int) -> Any:
    value = values[0]
    if value is None:
        return None
    scale = 10.0**decimals
    sign = 1.0 if value > 0 else -1.0 if value < 0 else 0.0
    return sign * float(math.floor(abs(value) * scale + 0.5)) / scale


def _pick_py(values: list[Any], *, smaller: bool) -> Any:
    result = values[0]
    for other in values[1:]:
        if result is None or other is None:
            result = None
        elif smaller:
            result = result if result <= other else other
        else:
            result = result if result >= other else other
    return result


def _min_py(*, values: list[Any], decimals: int) -> Any:
    return _pick_py(values, smaller=True)


def _max_py(*, values: list[Any], decimals: int) -> Any:
    return _pick_py(values, smaller=False)


# The order is the order error messages list the functions in.
FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in (
        FunctionSpec(
            name="coalesce",
            description="The first of its arguments that is not empty.",
            accepts=SCALAR | {FType.TEXT},
            min_values=2,
            max_values=None,
            compile=_coalesce_sql,
            evaluate=_coalesce_py,
        ),
        FunctionSpec(
            name="abs",
            description="The value without its sign.",
            accepts=NUMERIC,
            min_values=1,
            max_values=1,
            compile=_abs_sql,
            evaluate=_abs_py,
        ),
        FunctionSpec(
            name="min",
            description="The smallest of its arguments; empty when any of them is.",
            accepts=SCALAR,
            min_values=2,
            max_values=None,
            compile=_min_sql,
            evaluate=_min_py,
        ),
        FunctionSpec(
            name="max",
            description="The largest of its arguments; empty when any of them is.",
            accepts=SCALAR,
            min_values=2,
            max_values=None,
            compile=_max_sql,
            evaluate=_max_py,
        ),
        FunctionSpec(
            name="round",
            description=f"The value rounded half away from zero to 0 to {MAX_DECIMALS} decimals (default 0).",
            accepts=NUMERIC,
            min_values=1,
            max_values=1,
            decimals=True,
            compile=_round_sql,
            evaluate=_round_py,
        ),
    )
}
