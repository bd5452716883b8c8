import pytest

from leora.metrics.formula import FType, ReferencedMetric, analyse
from leora.metrics.formula import nodes as n
from leora.metrics.formula.errors import FormulaError


def error_of(text: str, kind: str = "segment", **kwargs: object) -> FormulaError:
    with pytest.raises(FormulaError) as caught:
        analyse(text, kind=kind, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_the_browser_example_is_a_well_typed_segment() -> None:
    checked = analyse(
        "days_since_last_order > 21 and (balance_due > 500 or account_type = 'TARGET')", kind="segment"
    )
    assert checked.type == FType.BOOLEAN
    assert checked.attributes == {"days_since_last_order", "balance_due", "account_type"}


def test_a_number_literal_next_to_a_duration_counts_as_days() -> None:
    assert analyse("days_since_last_order > 21", kind="segment").type == FType.BOOLEAN
    assert analyse("days_since_last_order > 3 weeks", kind="segment").type == FType.BOOLEAN


def test_comparing_a_number_with_text_says_what_was_expected_and_where() -> None:
    error = error_of("order_count > 'many'")
    assert error.message == "expected a number after '>', found a text"
    assert (error.line, error.column) == (1, 15)
    assert error.expected == ["number"]


def test_a_duration_cannot_be_compared_with_a_number_attribute() -> None:
    error = error_of("days_since_last_order > order_count")
    assert "expected a duration" in error.message
    assert error.column == 25


def test_date_arithmetic_has_types() -> None:
    assert analyse("expected_next_order_date - today", kind="value").type == FType.DURATION
    assert analyse("expected_next_order_date <= today + 7 days", kind="segment").type == FType.BOOLEAN
    assert "date cannot be used with '*'" in error_of("today * 2", kind="value").message


def test_duration_divided_by_duration_is_a_number() -> None:
    assert analyse("days_since_last_order / median_order_interval_days", kind="value").type == FType.NUMBER


def test_a_segment_must_be_a_condition() -> None:
    error = error_of("order_count + 1")
    assert "segment metric must be a condition" in error.message


def test_a_value_must_be_a_number_or_duration() -> None:
    assert "value metric must be" in error_of("order_count > 1", kind="value").message


def test_unknown_attributes_suggest_close_names() -> None:
    error = error_of("ordercount > 3")
    assert error.message == "unknown attribute 'ordercount'; did you mean order_count?"
    assert error.expected == ["order_count"]


def test_unknown_functions_list_the_known_ones() -> None:
    error = error_of("sqrt(order_count) > 3")
    assert error.expected == ["coalesce", "abs", "min", "max", "round"]


def test_function_arity_and_round_digits_are_checked() -> None:
    assert "exactly one" in error_of("abs(1, 2) > 0").message
    assert "at least two" in error_of("max(order_count) > 0").message
    assert "whole number" in error_of("round(order_count, 1.5) > 0").message


def test_text_cannot_be_ordered() -> None:
    assert "cannot be used with a text" in error_of("account_type > 'A'").message


def test_conditions_compare_only_with_true_or_false() -> None:
    assert analyse("is_new_customer = false", kind="segment").type == FType.BOOLEAN
    assert "true or false" in error_of("is_new_customer = 1").message


def test_and_needs_conditions_on_both_sides() -> None:
    error = error_of("order_count > 1 and balance_due")
    assert "expected a condition" in error.message and error.column == 21


def test_metric_references_resolve_and_bring_their_attributes() -> None:
    metrics = {"big": ReferencedMetric("big", "segment", "lifetime_revenue > 1000")}
    checked = analyse("metric.big and order_count > 1", kind="segment", resolve=metrics.get)
    assert checked.attributes == {"lifetime_revenue", "order_count"}
    assert set(checked.metrics) == {"big"}


def test_a_reference_cycle_is_an_error_naming_the_path() -> None:
    metrics = {
        "aaa": ReferencedMetric("aaa", "segment", "metric.bbb"),
        "bbb": ReferencedMetric("bbb", "segment", "metric.aaa or order_count > 1"),
    }
    error = error_of("metric.aaa", resolve=metrics.get)
    assert "refers back to itself" in error.message
    assert "aaa → bbb → aaa" in error.message


def test_value_metrics_cannot_be_referenced() -> None:
    metrics = {"score": ReferencedMetric("score", "value", "order_count")}
    assert "value metric" in error_of("metric.score", resolve=metrics.get).message


def test_unknown_metric_references_are_errors() -> None:
    assert "no metric 'nope'" in error_of("metric.nope").message


def test_the_checker_records_the_type_of_every_node() -> None:
    checked = analyse(
        "coalesce(days_since_last_order, 30) > 2 weeks and account_type in ['TARGET'] "
        "and round(balance_due / 3, 2) between 1 and 9",
        kind="segment",
    )
    assert all(node in checked.types for node in n.walk(checked.tree))
    assert checked.type_of(checked.tree) == FType.BOOLEAN


def test_a_call_records_the_type_its_arguments_share() -> None:
    checked = analyse("coalesce(days_since_last_order, 30)", kind="value")
    assert checked.type_of(checked.tree) == FType.DURATION


def test_the_nodes_of_referenced_metrics_have_recorded_types() -> None:
    metrics = {"tagged": ReferencedMetric("tagged", "segment", "coalesce(territory, 'none') = 'North'")}
    checked = analyse("metric.tagged", kind="segment", resolve=metrics.get)
    call = next(node for node in n.walk(checked.metrics["tagged"]) if isinstance(node, n.Call))
    assert checked.type_of(call) == FType.TEXT


def test_a_node_the_checker_never_saw_has_no_type() -> None:
    checked = analyse("order_count > 1", kind="segment")
    with pytest.raises(LookupError):
        checked.type_of(n.Attribute(3, 7, "balance_due"))


def test_deeply_nested_calls_are_checked_once_per_node() -> None:
    # Each level asks for its first argument's type several times; without recorded types a
    # nesting this deep would take years to check.
    formula = "order_count"
    for _ in range(22):
        formula = f"min({formula}, 1)"
    assert analyse(f"{formula} > 0", kind="segment").type == FType.BOOLEAN


def test_the_decimals_of_round_must_be_a_literal_even_when_they_name_an_attribute() -> None:
    error = error_of("round(balance_due, order_count) > 0")
    assert error.message == "the decimals of round must be a whole number from 0 to 6"
    assert error.column == 20


def test_an_unknown_kind_lists_the_kinds() -> None:
    error = error_of("order_count > 1", kind="score")
    assert error.message == "unknown kind 'score'"
    assert error.expected == ["segment", "value"]
