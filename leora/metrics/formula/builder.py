"""Formulas as text and as the builder's rows and groups, in both directions.

``to_text`` prints a syntax tree back as a formula with only the parentheses it needs. ``to_builder``
turns a condition into nested groups of rows (``left``, ``op``, ``value``); any condition the rows
cannot express is kept as a ``formula`` row holding its text, so every valid formula has a builder
form.
"""

from __future__ import annotations

from typing import Any

from leora.metrics.formula import nodes as n

_OR, _AND, _NOT, _CMP, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 9)


def _precedence(node: n.Node) -> int:
    if isinstance(node, n.Or):
        return _OR
    if isinstance(node, n.And):
        return _AND
    if isinstance(node, n.Not):
        return _NOT
    if isinstance(node, (n.Compare, n.InList, n.Between, n.IsNull)):
        return _CMP
    if isinstance(node, n.Arithmetic):
        return _SUM if node.op in "+-" else _PRODUCT
    if isinstance(node, n.Negate):
        return _UNARY
    return _ATOM


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
    if isinstance(node, n.Number):
        return _number(node.value)
    if isinstance(node, n.Duration):
        days = node.days
        if days % 7 == 0 and days >= 14:
            return f"{_number(days / 7)} weeks"
        return f"{_number(days)} {'day' if days == 1 else 'days'}"
    if isinstance(node, n.String):
        return _string(node.value)
    if isinstance(node, n.Boolean):
        return "true" if node.value else "false"
    if isinstance(node, n.Today):
        return "today"
    if isinstance(node, n.Attribute):
        return node.name
    if isinstance(node, n.MetricRef):
        return f"metric.{node.code}"
    if isinstance(node, n.Negate):
        return "-" + _wrap(node.operand, _UNARY)
    if isinstance(node, n.Arithmetic):
        level = _precedence(node)
        return f"{_wrap(node.left, level)} {node.op} {_wrap(node.right, level + 1)}"
    if isinstance(node, n.Compare):
        return f"{_wrap(node.left, _SUM)} {node.op} {_wrap(node.right, _SUM)}"
    if isinstance(node, n.InList):
        items = ", ".join(_wrap(item, _SUM) for item in node.items)
        return f"{_wrap(node.operand, _SUM)} {'not in' if node.negated else 'in'} [{items}]"
    if isinstance(node, n.Between):
        word = "not between" if node.negated else "between"
        return f"{_wrap(node.operand, _SUM)} {word} {_wrap(node.low, _SUM)} and {_wrap(node.high, _SUM)}"
    if isinstance(node, n.IsNull):
        return f"{_wrap(node.operand, _SUM)} is {'not ' if node.negated else ''}null"
    if isinstance(node, n.And):
        return f"{_wrap(node.left, _AND)} and {_wrap(node.right, _NOT)}"
    if isinstance(node, n.Or):
        return f"{_wrap(node.left, _OR)} or {_wrap(node.right, _AND)}"
    if isinstance(node, n.Not):
        return "not " + _wrap(node.operand, _NOT)
    if isinstance(node, n.Call):
        return f"{node.name}({', '.join(to_text(arg) for arg in node.args)})"
    raise TypeError(type(node).__name__)


def _flatten(node: n.Node, kind: type[n.Node]) -> list[n.Node]:
    if isinstance(node, kind):
        return [*_flatten(node.left, kind), *_flatten(node.right, kind)]  # type: ignore[attr-defined]
    return [node]


def _row(node: n.Node) -> dict[str, Any]:
    if isinstance(node, n.Compare):
        if isinstance(node.right, n.Boolean) and not isinstance(node.left, n.Boolean):
            wanted = node.right.value == (node.op == "=")
            return {
                "type": "row",
                "left": to_text(node.left),
                "op": "is true" if wanted else "is false",
                "value": "",
            }
        return {"type": "row", "left": to_text(node.left), "op": node.op, "value": to_text(node.right)}
    if isinstance(node, n.Between) and not node.negated:
        return {"type": "row", "left": to_text(node.operand), "op": "between", "value": to_text(node.low),
                "value2": to_text(node.high)}  # fmt: skip
    if isinstance(node, n.InList):
        items = ", ".join(to_text(item) for item in node.items)
        return {
            "type": "row",
            "left": to_text(node.operand),
            "op": "not in" if node.negated else "in",
            "value": items,
        }
    if isinstance(node, n.IsNull):
        op = "is not null" if node.negated else "is null"
        return {"type": "row", "left": to_text(node.operand), "op": op, "value": ""}
    if isinstance(node, (n.Attribute, n.MetricRef)):
        return {"type": "row", "left": to_text(node), "op": "is true", "value": ""}
    if isinstance(node, n.Not) and isinstance(node.operand, (n.Attribute, n.MetricRef)):
        return {"type": "row", "left": to_text(node.operand), "op": "is false", "value": ""}
    return {"type": "row", "left": "", "op": "formula", "value": to_text(node)}


def to_builder(node: n.Node) -> dict[str, Any]:
    """Return a condition as the builder's root group: ``{"type": "group", "op", "negated", "items"}``."""
    negated = False
    if isinstance(node, n.Not) and isinstance(node.operand, (n.And, n.Or)):
        negated, node = True, node.operand
    if isinstance(node, (n.And, n.Or)):
        kind: type[n.Node] = n.And if isinstance(node, n.And) else n.Or
        items = []
        for part in _flatten(node, kind):
            is_group = isinstance(part, (n.And, n.Or)) or (
                isinstance(part, n.Not) and isinstance(part.operand, (n.And, n.Or))
            )
            items.append(to_builder(part) if is_group else _row(part))
        return {"type": "group", "op": "and" if kind is n.And else "or", "negated": negated, "items": items}
    return {"type": "group", "op": "and", "negated": False, "items": [_row(node)]}
