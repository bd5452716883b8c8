"""The syntax tree of a formula: small immutable nodes, each knowing where it starts in the text."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Node:
    line: int
    column: int


@dataclass(frozen=True)
class Number(Node):
    value: Decimal


@dataclass(frozen=True)
class Duration(Node):
    """A length of time; ``days`` is the number of days it stands for (``2 weeks`` is 14)."""

    days: Decimal


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Today(Node):
    pass


@dataclass(frozen=True)
class Attribute(Node):
    name: str


@dataclass(frozen=True)
class MetricRef(Node):
    code: str


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Arithmetic(Node):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str  # = != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class InList(Node):
    operand: Node
    items: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True)
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class And(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Or(Node):
    left: Node
    right: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Call(Node):
    name: str
    args: tuple[Node, ...]


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-nodes of ``node``, left to right."""
    if isinstance(node, (Negate, Not, IsNull)):
        return (node.operand,)
    if isinstance(node, (Arithmetic, Compare, And, Or)):
        return (node.left, node.right)
    if isinstance(node, InList):
        return (node.operand, *node.items)
    if isinstance(node, Between):
        return (node.operand, node.low, node.high)
    if isinstance(node, Call):
        return node.args
    return ()


def walk(node: Node) -> list[Node]:
    """Return ``node`` and every node below it, depth first."""
    found = [node]
    for child in children(node):
        found.extend(walk(child))
    return found


def depth(node: Node) -> int:
    """Return how many levels deep the tree under ``node`` goes (a literal is 1)."""
    return 1 + max((depth(child) for child in children(node)), default=0)
