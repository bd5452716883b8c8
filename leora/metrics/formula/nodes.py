"""The syntax tree of a formula: small immutable nodes, each knowing where it starts in the text.

``Node`` is the closed union of every node class. Visitors dispatch with ``match`` and end in
``assert_never``, so mypy names any visitor that forgets a node class added here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias, assert_never


@dataclass(frozen=True)
class Located:
    """Where a node starts in the formula text (1-based)."""

    line: int
    column: int


@dataclass(frozen=True)
class Number(Located):
    value: Decimal


@dataclass(frozen=True)
class Duration(Located):
    """A length of time; ``days`` is the number of days it stands for (``2 weeks`` is 14)."""

    days: Decimal


@dataclass(frozen=True)
class String(Located):
    value: str


@dataclass(frozen=True)
class Boolean(Located):
    value: bool


@dataclass(frozen=True)
class Today(Located):
    pass


@dataclass(frozen=True)
class Attribute(Located):
    name: str


@dataclass(frozen=True)
class MetricRef(Located):
    code: str


@dataclass(frozen=True)
class Negate(Located):
    operand: Node


@dataclass(frozen=True)
class Arithmetic(Located):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Located):
    op: str  # = != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class InList(Located):
    operand: Node
    items: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True)
class Between(Located):
    operand: Node
    low: Node
    high: Node
    negated: bool


@dataclass(frozen=True)
class IsNull(Located):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class And(Located):
    left: Node
    right: Node


@dataclass(frozen=True)
class Or(Located):
    left: Node
    right: Node


@dataclass(frozen=True)
class Not(Located):
    operand: Node


@dataclass(frozen=True)
class Call(Located):
    name: str
    args: tuple[Node, ...]


Node: TypeAlias = (
    Number
    | Duration
    | String
    | Boolean
    | Today
    | Attribute
    | MetricRef
    | Negate
    | Arithmetic
    | Compare
    | InList
    | Between
    | IsNull
    | And
    | Or
    | Not
    | Call
)


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-nodes of ``node``, left to right."""
    match node:
        case Number() | Duration() | String() | Boolean() | Today() | Attribute() | MetricRef():
            return ()
        case Negate(operand=operand) | Not(operand=operand) | IsNull(operand=operand):
            return (operand,)
        case Arithmetic(left=left, right=right) | Compare(left=left, right=right):
            return (left, right)
        case And(left=left, right=right) | Or(left=left, right=right):
            return (left, right)
        case InList():
            return (node.operand, *node.items)
        case Between():
            return (node.operand, node.low, node.high)
        case Call():
            return node.args
        case _:
            assert_never(node)


def walk(node: Node) -> list[Node]:
    """Return ``node`` and every node below it, depth first."""
    found = [node]
    for child in children(node):
        found.extend(walk(child))
    return found


def depth(node: Node) -> int:
    """Return how many levels deep the tree under ``node`` goes (a literal is 1)."""
    return 1 + max((depth(child) for child in children(node)), default=0)


def is_number_literal(node: Node) -> bool:
    """Return whether ``node`` is a bare number, possibly negated (``21``, ``-3``): such a literal
    next to a duration or a date counts as days."""
    match node:
        case Negate(operand=operand):
            return is_number_literal(operand)
        case Number():
            return True
        case _:
            return False
