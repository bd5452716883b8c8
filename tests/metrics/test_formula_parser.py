from decimal import Decimal

import pytest

from leora.metrics.formula import nodes as n
from leora.metrics.formula.errors import FormulaError
from leora.metrics.formula.parser import MAX_DEPTH, MAX_LENGTH, parse


def error_of(text: str) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        parse(text)
    return caught.value


def test_it_parses_comparisons_with_and_binding_tighter_than_or() -> None:
    tree = parse("a > 1 or b < 2 and c = 'x'")
    assert isinstance(tree, n.Or)
    assert isinstance(tree.right, n.And)


def test_it_parses_arithmetic_with_the_usual_precedence() -> None:
    tree = parse("1 + 2 * 3")
    assert isinstance(tree, n.Arithmetic) and tree.op == "+"
    assert isinstance(tree.right, n.Arithmetic) and tree.right.op == "*"


def test_durations_are_converted_to_days() -> None:
    assert parse("8 weeks") == n.Duration(1, 1, Decimal(56))
    assert parse("1 day") == n.Duration(1, 1, Decimal(1))


def test_keywords_are_case_insensitive_and_names_lower_cased() -> None:
    tree = parse("Order_Count >= 3 AND NOT is_new_customer")
    assert isinstance(tree, n.And)
    assert tree.left == n.Compare(1, 1, ">=", n.Attribute(1, 1, "order_count"), n.Number(1, 16, Decimal(3)))


def test_keywords_inside_names_stay_names() -> None:
    assert parse("order_count") == n.Attribute(1, 1, "order_count")
    assert parse("notes_x") == n.Attribute(1, 1, "notes_x")


def test_in_between_and_null_tests() -> None:
    assert isinstance(parse("a in [1, 2]"), n.InList)
    negated = parse("a not in ['x']")
    assert isinstance(negated, n.InList) and negated.negated
    between = parse("a between 1 and 2 and b")
    assert isinstance(between, n.And) and isinstance(between.left, n.Between)
    assert parse("a is not null") == n.IsNull(1, 1, n.Attribute(1, 1, "a"), negated=True)


def test_strings_take_either_quote_and_escapes() -> None:
    assert parse("'it\\'s'") == n.String(1, 1, "it's")
    assert parse('"TARGET"') == n.String(1, 1, "TARGET")


def test_metric_references_and_calls() -> None:
    assert parse("metric.at_risk_customer") == n.MetricRef(1, 1, "at_risk_customer")
    call = parse("max(1, a)")
    assert isinstance(call, n.Call) and call.name == "max" and len(call.args) == 2


def test_a_missing_value_after_an_operator_names_the_operator_and_the_column() -> None:
    error = error_of("days_since_last_order > ")
    assert error.message.startswith("expected a value")
    assert "after '>'" in error.message
    assert (error.line, error.column) == (1, 25)
    assert "a number" in error.expected


def test_an_unexpected_token_reports_its_own_position() -> None:
    error = error_of("order_count >= 3 and and")
    assert (error.line, error.column) == (1, 22)
    assert "unexpected 'and'" in error.message


def test_errors_on_later_lines_report_the_line() -> None:
    error = error_of("order_count >= 3\nand (balance_due > ")
    assert (error.line, error.column) == (2, 20)


def test_an_unclosed_parenthesis_expects_a_closing_one() -> None:
    error = error_of("(a > 3")
    assert error.expected == [")"]
    assert error.column == 7


def test_a_stray_character_is_reported_where_it_is() -> None:
    error = error_of("a > 3 # 4")
    assert (error.line, error.column) == (1, 7)
    assert "unexpected character '#'" in error.message


def test_an_empty_formula_is_an_error() -> None:
    assert error_of("   ").message == "the formula is empty"


def test_length_depth_and_size_are_limited() -> None:
    assert "longer than" in error_of("a" * (MAX_LENGTH + 1)).message
    assert "nests deeper" in error_of("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)).message
    assert "more than" in error_of(" + ".join(["1"] * 200)).message
