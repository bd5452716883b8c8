"""Text to syntax tree: lark (LALR) parses, a transformer builds ``nodes``, errors say where and what."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from leora.metrics.formula import nodes as n
from leora.metrics.formula.errors import FormulaError

MAX_LENGTH = 2000
MAX_DEPTH = 24  # brackets open at once, counted in the text
MAX_TREE_DEPTH = 2 * MAX_DEPTH  # levels of the syntax tree (operators nest without brackets too)
MAX_NODES = 250

UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7}

# How each terminal is named in an error message, in the order the names are listed.
TERMINAL_NAMES = {
    "NUMBER": "a number",
    "NAME": "an attribute or function",
    "STRING": "a text in quotes",
    "TRUE": "true",
    "FALSE": "false",
    "TODAY": "today",
    "METRIC": "metric.<code>",
    "LPAR": "(",
    "RPAR": ")",
    "LSQB": "[",
    "RSQB": "]",
    "MINUS": "-",
    "PLUS": "+",
    "STAR": "*",
    "SLASH": "/",
    "COMP_OP": "a comparison (= != < <= > >=)",
    "DAYS": "days",
    "DAY": "day",
    "WEEKS": "weeks",
    "WEEK": "week",
    "COMMA": ",",
    "DOT": ".",
    "AND": "and",
    "OR": "or",
    "NOT": "not",
    "IN": "in",
    "BETWEEN": "between",
    "IS": "is",
    "NULL": "null",
    "$END": "the end of the formula",
}
_VALUE_START = {"NUMBER", "NAME", "STRING", "TRUE", "FALSE", "TODAY", "METRIC", "LPAR", "MINUS"}


@cache
def _parser() -> Lark:
    grammar = (Path(__file__).parent / "grammar.lark").read_text()
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=False)


def _unquote(token: str) -> str:
    body = token[1:-1]
    out: list[str] = []
    chars = iter(body)
    for char in chars:
        if char == "\\":
            out.append(next(chars, ""))
        else:
            out.append(char)
    return "".join(out)


def _pos(item: Any) -> tuple[int, int]:
    if isinstance(item, Token):
        return item.line or 1, item.column or 1
    if isinstance(item, n.Located):
        return item.line, item.column
    if isinstance(item, Tree) and item.meta and not item.meta.empty:
        return item.meta.line, item.meta.column
    return 1, 1


@v_args(inline=True)
class _Build(Transformer[Token, n.Node]):
    def number(self, token: Token) -> n.Node:
        return n.Number(*_pos(token), value=Decimal(str(token)))

    def duration(self, number: Token, unit: Token) -> n.Node:
        return n.Duration(*_pos(number), days=Decimal(str(number)) * UNIT_DAYS[str(unit).lower()])

    def string(self, token: Token) -> n.Node:
        return n.String(*_pos(token), value=_unquote(str(token)))

    def true(self, token: Token) -> n.Node:
        return n.Boolean(*_pos(token), value=True)

    def false(self, token: Token) -> n.Node:
        return n.Boolean(*_pos(token), value=False)

    def today(self, token: Token) -> n.Node:
        return n.Today(*_pos(token))

    def attribute(self, token: Token) -> n.Node:
        return n.Attribute(*_pos(token), name=str(token).lower())

    def metric_ref(self, keyword: Token, code: Token) -> n.Node:
        return n.MetricRef(*_pos(keyword), code=str(code).lower())

    def call(self, name: Token, *args: n.Node) -> n.Node:
        return n.Call(*_pos(name), name=str(name).lower(), args=tuple(args))

    def neg(self, sign: Token, operand: n.Node) -> n.Node:
        return n.Negate(*_pos(sign), operand=operand)

    def arith(self, left: n.Node, op: Token, right: n.Node) -> n.Node:
        return n.Arithmetic(*_pos(left), op=str(op), left=left, right=right)

    def compare(self, left: n.Node, op: Token, right: n.Node) -> n.Node:
        return n.Compare(*_pos(left), op=str(op), left=left, right=right)

    def list(self, *items: n.Node) -> tuple[n.Node, ...]:
        return tuple(items)

    def in_(self, operand: n.Node, _in: Token, items: tuple[n.Node, ...]) -> n.Node:
        return n.InList(*_pos(operand), operand=operand, items=items, negated=False)

    def not_in(self, operand: n.Node, _not: Token, _in: Token, items: tuple[n.Node, ...]) -> n.Node:
        return n.InList(*_pos(operand), operand=operand, items=items, negated=True)

    def between(self, operand: n.Node, _b: Token, low: n.Node, _a: Token, high: n.Node) -> n.Node:
        return n.Between(*_pos(operand), operand=operand, low=low, high=high, negated=False)

    def not_between(
        self, operand: n.Node, _n: Token, _b: Token, low: n.Node, _a: Token, high: n.Node
    ) -> n.Node:
        return n.Between(*_pos(operand), operand=operand, low=low, high=high, negated=True)

    def is_null(self, operand: n.Node, _is: Token, _null: Token) -> n.Node:
        return n.IsNull(*_pos(operand), operand=operand, negated=False)

    def is_not_null(self, operand: n.Node, _is: Token, _not: Token, _null: Token) -> n.Node:
        return n.IsNull(*_pos(operand), operand=operand, negated=True)

    def and_(self, left: n.Node, _and: Token, right: n.Node) -> n.Node:
        return n.And(*_pos(left), left=left, right=right)

    def or_(self, left: n.Node, _or: Token, right: n.Node) -> n.Node:
        return n.Or(*_pos(left), left=left, right=right)

    def not_(self, keyword: Token, operand: n.Node) -> n.Node:
        return n.Not(*_pos(keyword), operand=operand)


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _previous_token(text: str, line: int, column: int) -> Token | None:
    previous = None
    try:
        for token in _parser().lex(text):
            if (token.line or 0, token.column or 0) >= (line, column):
                break
            previous = token
    except UnexpectedInput:
        pass
    return previous


def _expected_names(expected: set[str] | frozenset[str]) -> list[str]:
    order = list(TERMINAL_NAMES)
    names = sorted(expected, key=lambda t: order.index(t) if t in order else len(order))
    return [TERMINAL_NAMES.get(name, name.lower()) for name in names]


def _describe_expected(expected: set[str] | frozenset[str]) -> str:
    if expected & _VALUE_START and expected <= _VALUE_START | {"LSQB"}:
        return "a value (a number, an attribute, a text in quotes or '(')"
    names = _expected_names(expected)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _syntax_error(text: str, error: UnexpectedInput) -> FormulaError:
    if isinstance(error, (UnexpectedToken, UnexpectedEOF)):
        expected = set(error.expected)
        token = getattr(error, "token", None)
        at_end = token is None or token.type == "$END"
        line, column = _end_position(text) if at_end else (error.line, error.column)
    else:
        assert isinstance(error, UnexpectedCharacters)
        expected = set(error.allowed or ())
        line, column = error.line, error.column
        at_end = False
    expected.discard("$END") if expected - {"$END"} else None
    if expected == {"NUMBER"} or (expected & _VALUE_START and "NUMBER" in expected):
        what = _describe_expected(expected)
    else:
        what = _describe_expected(expected) if expected else "something else"
    previous = _previous_token(text, line, column)
    if previous is not None:
        message = f"expected {what} after '{previous}'"
    else:
        message = f"expected {what} at the start of the formula"
    if isinstance(error, UnexpectedCharacters):
        bad = text.splitlines()[line - 1][column - 1 : column] if text else ""
        message = f"unexpected character '{bad}': {message}"
    elif not at_end and isinstance(error, UnexpectedToken):
        message = f"unexpected '{error.token}': {message}"
    return FormulaError(message, line, column, _expected_names(expected))


def _check_size(text: str) -> None:
    if not text.strip():
        raise FormulaError("the formula is empty", 1, 1, ["a value (a number, an attribute, ...)"])
    if len(text) > MAX_LENGTH:
        line, column = _position_of(text, MAX_LENGTH)
        raise FormulaError(f"the formula is longer than {MAX_LENGTH} characters", line, column, [])
    level = 0
    for index, char in enumerate(text):
        level += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if level > MAX_DEPTH:
            line, column = _position_of(text, index)
            raise FormulaError(f"the formula nests deeper than {MAX_DEPTH} levels", line, column, [])


def _position_of(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def parse(text: str) -> n.Node:
    """Return the syntax tree of ``text``; raises FormulaError with the position of the first problem."""
    _check_size(text)
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    if isinstance(tree, Token):  # a formula of a single token is not wrapped in a tree
        tree = Tree("start", [tree])
    node = _Build().transform(tree)
    if len(n.walk(node)) > MAX_NODES:
        raise FormulaError(f"the formula has more than {MAX_NODES} parts; split it into metrics", 1, 1, [])
    if n.depth(node) > MAX_TREE_DEPTH:
        raise FormulaError(f"the formula nests deeper than {MAX_TREE_DEPTH} levels", 1, 1, [])
    return node
