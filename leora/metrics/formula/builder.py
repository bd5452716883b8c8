"""Formulas as text and as the builder's rows and groups, in both directions.

``to_text`` prints a syntax tree back as a formula with only the parentheses it needs. ``to_builder``
turns a condition into nested groups of rows (``left``, ``op``, ``value``); any condition the rows
cannot express is kept as a ``formula`` row holding its text, so every valid formula has a builder
form.
"""

from __future__ import annotations

from typing import Any, assert_never

from leora.metrics.formula import nodes as n

_OR, _AND, _NOT, _CMP, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 9)


def _precedence(node: n.Node) -> int:
    match node:
        case n.Or():
            return _OR
        case n.And():
            return _AND
        case n.Not():
            return _NOT
        case n.Compare() | n.InList() | n.Between() | n.IsNull():
            return _CMP
        case n.Arithmetic():
            return _SUM if node.op in "+-" else _PRODUCT
        case n.Negate():
            return _UNARY
        case n.Number() | n.Duration() | n.String() | n.Boolean() | n.Today() | n.Attribute() | n.MetricRef():
            return _ATOM
        case n.Call():
            return _ATOM
        case _:
            assert_never(node)


def _wrap(node: n.Node, minimum: int) -> str:
    text = to_text(node)
    return f"({text})" if _precedence(node) < minimum else text


def _number(value: Any) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def to_text(node: n.Node) -> str:
    """Return ``node`` as formula text."""
    match node:
        case n.Number():
            return _number(node.value)
        case n.Duration():
            days = node.days
            if days % 7 == 0 and days >= 14:
                return f"{_number(days / 7)} weeks"
            return f"{_number(days)} {'day' if days == 1 else 'days'}"
        case n.String():
            return _string(node.value)
        case n.Boolean():
            return "true" if node.value else "false"
        case n.Today():
            return "today"
        case n.Attribute():
            return node.name
        case n.MetricRef():
            return f"metric.{node.code}"
        case n.Negate():
            return "-" + _wrap(node.operand, _UNARY)
        case n.Arithmetic():
            level = _precedence(node)
            return f"{_wrap(node.left, level)} {node.op} {_wrap(node.right, level + 1)}"
        case n.Compare():
            return f"{_wrap(node.left, _SUM)} {node.op} {_wrap(node.right, _SUM)}"
        case n.InList():
            items = ", ".join(_wrap(item, _SUM) for item in node.items)
            return f"{_wrap(node.operand, _SUM)} {'not in' if node.negated else 'in'} [{items}]"
        case n.Between():
            word = "not between" if node.negated else "between"
            return f"{_wrap(node.operand, _SUM)} {word} {_wrap(node.low, _SUM)} and {_wrap(node.high, _SUM)}"
        case n.IsNull():
            return f"{_wrap(node.operand, _SUM)} is {'not ' if node.negated else ''}null"
        case n.And():
            return f"{_wrap(node.left, _AND)} and {_wrap(node.right, _NOT)}"
        case n.Or():
            return f"{_wrap(node.left, _OR)} or {_wrap(node.right, _AND)}"
        case n.Not():
            return "not " + _wrap(node.operand, _NOT)
        case n.Call():
            return f"{node.name}({', '.join(to_text(arg) for arg in node.args)})"
        case _:
            assert_never(node)


def _flatten(node: n.Node, *, conjunction: bool) -> list[n.Node]:
    """Return the operands of a chain of ``and`` (or of ``or``), left to right."""
    match node:
        case n.And() if conjunction:
            return [*_flatten(node.left, conjunction=True), *_flatten(node.right, conjunction=True)]
        case n.Or() if not conjunction:
            return [*_flatten(node.left, conjunction=False), *_flatten(node.right, conjunction=False)]
        case _:
            return [node]


def _is_group(node: n.Node) -> bool:
    match node:
        case n.And() | n.Or() | n.Not(operand=n.And() | n.Or()):
            return True
        case _:
            return False


def _row(node: n.Node) -> dict[str, Any]:
    # Only some conditions have a row of their own; anything else is kept as a formula row.
    match node:
        case n.Compare(right=n.Boolean(value=value), left=left) if not isinstance(left, n.Boolean):
            wanted = value == (node.op == "=")
            return {
                "type": "row",
                "left": to_text(left),
                "op": "is true" if wanted else "is false",
                "value": "",
            }
        case n.Compare():
            return {"type": "row", "left": to_text(node.left), "op": node.op, "value": to_text(node.right)}
        case n.Between(negated=False):
            return {"type": "row", "left": to_text(node.operand), "op": "between", "value": to_text(node.low),
                    "value2": to_text(node.high)}  # fmt: skip
        case n.InList():
            items = ", ".join(to_text(item) for item in node.items)
            return {
                "type": "row",
                "left": to_text(node.operand),
                "op": "not in" if node.negated else "in",
                "value": items,
            }
        case n.IsNull():
            op = "is not null" if node.negated else "is null"
            return {"type": "row", "left": to_text(node.operand), "op": op, "value": ""}
        case n.Attribute() | n.MetricRef():
            return {"type": "row", "left": to_text(node), "op": "is true", "value": ""}
        case n.Not(operand=n.Attribute() | n.MetricRef() as operand):
            return {"type": "row", "left": to_text(operand), "op": "is false", "value": ""}
        case _:
            return {"type": "row", "left": "", "op": "formula", "value": to_text(node)}


def to_builder(node: n.Node) -> dict[str, Any]:
    """Return a condition as the builder's root group: ``{"type": "group", "op", "negated", "items"}``."""
    negated = False
    if isinstance(node, n.Not) and isinstance(node.operand, (n.And, n.Or)):
        negated, node = True, node.operand
    if isinstance(node, (n.And, n.Or)):
        conjunction = isinstance(node, n.And)
        items = [
            to_builder(part) if _is_group(part) else _row(part)
            for part in _flatten(node, conjunction=conjunction)
        ]
        return {"type": "group", "op": "and" if conjunction else "or", "negated": negated, "items": items}
    return {"type": "group", "op": "and", "negated": False, "items": [_row(node)]}
