import re

from hypothesis import given, settings

from leora.metrics.formula import parse
from leora.metrics.formula.builder import to_builder, to_text
from tests.metrics.test_property import conditions, numbers


def shape(text: str) -> str:
    return re.sub(r"line=\d+, column=\d+", "", repr(parse(text)))


@settings(max_examples=150, deadline=None)
@given(formula=conditions(3))
def test_printing_a_condition_gives_back_the_same_tree(formula: str) -> None:
    assert shape(to_text(parse(formula))) == shape(formula)


@settings(max_examples=80, deadline=None)
@given(formula=numbers(3))
def test_printing_arithmetic_keeps_its_grouping(formula: str) -> None:
    assert shape(to_text(parse(formula))) == shape(formula)


def test_only_needed_parentheses_are_printed() -> None:
    assert to_text(parse("((a > 1)) and ((b + (c * d)) < 3)")) == "a > 1 and b + c * d < 3"
    assert to_text(parse("a - (b - c)")) == "a - (b - c)"


def test_the_builder_form_of_the_issue_example() -> None:
    tree = to_builder(parse("days_since_last_order > 21 and (balance_due > 500 or account_type = 'TARGET')"))
    assert tree == {
        "type": "group", "op": "and", "negated": False,
        "items": [
            {"type": "row", "left": "days_since_last_order", "op": ">", "value": "21"},
            {"type": "group", "op": "or", "negated": False, "items": [
                {"type": "row", "left": "balance_due", "op": ">", "value": "500"},
                {"type": "row", "left": "account_type", "op": "=", "value": "'TARGET'"},
            ]},
        ],
    }  # fmt: skip


def test_rows_cover_between_in_null_and_boolean_tests() -> None:
    items = to_builder(
        parse(
            "a between 1 and 2 and b not in ['x', 'y'] and c is null and is_new_customer and not metric.foo"
        )
    )["items"]
    assert [item["op"] for item in items] == ["between", "not in", "is null", "is true", "is false"]
    assert items[0]["value2"] == "2" and items[1]["value"] == "'x', 'y'"


def test_anything_else_becomes_a_formula_row() -> None:
    assert to_builder(parse("true"))["items"] == [
        {"type": "row", "left": "", "op": "formula", "value": "true"}
    ]
