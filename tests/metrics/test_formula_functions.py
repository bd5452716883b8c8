"""Every registered function type-checks, compiles to SQL that runs, and means in SQL what its
plain-Python meaning says, for every argument type it accepts."""

from __future__ import annotations

from typing import Any

import pytest

from leora.crm.models import Customer
from leora.metrics.evaluation import build_context
from leora.metrics.formula import FUNCTIONS, Compiler, FormulaError, FType, FunctionSpec, analyse
from leora.metrics.formula import nodes as n
from leora.tenancy.models import Tenant
from tests.metrics import dataset
from tests.metrics.reference import Reference

pytestmark = pytest.mark.django_db

# Two different operands of each type, so that min and max have something to choose between.
OPERANDS = {
    FType.NUMBER: ["order_count", "balance_due"],
    FType.DURATION: ["days_since_last_order", "customer_age_days"],
    FType.DATE: ["expected_next_order_date", "today - 30 days"],
    FType.TEXT: ["assigned_rep", "territory"],
}
CASES = [(spec, accepted) for spec in FUNCTIONS.values() for accepted in sorted(spec.accepts)]


def call_text(spec: FunctionSpec, accepted: FType) -> str:
    args = [OPERANDS[accepted][i % 2] for i in range(spec.min_values)]
    if spec.decimals:
        args.append("1")
    return f"{spec.name}({', '.join(args)})"


@pytest.mark.parametrize(("spec", "accepted"), CASES, ids=[f"{s.name}-{t}" for s, t in CASES])
def test_every_function_compiles_and_agrees_with_its_python_meaning(
    tenant_data: tuple[Tenant, dict[int, dict[str, Any]]], spec: FunctionSpec, accepted: FType
) -> None:
    # given a call of the function on operands of a type it accepts
    tenant, values = tenant_data
    checked = analyse(f"{call_text(spec, accepted)} is null", kind="segment")
    assert isinstance(checked.tree, n.IsNull)
    call = checked.tree.operand
    # when it is compiled and evaluated in the database
    expression = Compiler(build_context(tenant, dataset.TODAY), checked).value(call)
    rows = Customer.objects.for_tenant(tenant).annotate(result=expression).values_list("pk", "result")
    # then it has the type the spec promises and every customer's value is the Python meaning's
    assert checked.type_of(call) == (spec.returns or accepted)
    for pk, result in rows:
        assert result == Reference(values[pk], dataset.TODAY, {}).eval(call), (pk, call_text(spec, accepted))


@pytest.mark.parametrize("spec", FUNCTIONS.values(), ids=list(FUNCTIONS))
def test_every_function_refuses_a_call_without_arguments_saying_what_it_takes(spec: FunctionSpec) -> None:
    with pytest.raises(FormulaError) as caught:
        analyse(f"{spec.name}() is null", kind="segment")
    message, expected = spec.arity_error()
    assert (caught.value.message, caught.value.expected) == (message, expected)


@pytest.mark.parametrize("spec", FUNCTIONS.values(), ids=list(FUNCTIONS))
def test_every_function_refuses_a_condition_as_an_argument(spec: FunctionSpec) -> None:
    args = ", ".join(["is_new_customer"] * spec.min_values)
    with pytest.raises(FormulaError) as caught:
        analyse(f"{spec.name}({args}) is null", kind="segment")
    assert "condition" in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, len(spec.name) + 2)


def test_nested_min_and_max_name_each_argument_once_in_the_sql(
    tenant_data: tuple[Tenant, dict[int, dict[str, Any]]],
) -> None:
    # A health score clamps a blend of clamped parts: min(100, max(0, ... min(x, 3) ...)). Spelled as
    # CASE WHEN, every level repeated its arguments three times and the SQL grew to hundreds of kB.
    tenant, _ = tenant_data
    ctx = build_context(tenant, dataset.TODAY)

    def sql_of(depth: int) -> str:
        text = "order_count"
        for level in range(depth):
            text = f"{'min' if level % 2 else 'max'}({level}, {text})"
        checked = analyse(f"{text} > 1", kind="segment")
        condition = Compiler(ctx, checked).condition(checked.tree)
        return str(Customer.objects.for_tenant(tenant).filter(condition).query)

    deep, shallow = sql_of(8), sql_of(1)
    assert deep.count("order_count") == shallow.count("order_count")
    assert len(deep) < len(shallow) + 8 * 200
