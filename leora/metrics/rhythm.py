"""The rhythm line of a customer's page: the usual interval between orders, the last order, when the
next one is expected, and whether it is due, late or on time.

The figures are the catalog's cadence attributes (``median_order_interval_days``,
``expected_next_order_date``, ``days_until_expected_order``, ``overdue_ratio``), evaluated for the one
customer by the same SQL as every formula, so the line never disagrees with a segment or a drilldown.
"Due" is membership of the tenant's ``due_to_order`` segment, whose window admins may change; "late"
is an expected date that has passed; "on time" is the rest of the customers with a rhythm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, F, Q, Value, When

from leora.crm.models import Customer
from leora.crm.visibility import visible_customers
from leora.metrics.evaluation import _checked_formula, build_context, condition_of
from leora.metrics.formula import FormulaError
from leora.metrics.formula.catalog import CUSTOMER, from_day_number
from leora.metrics.models import MetricKind, MetricVersion
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today

DUE_SEGMENT = "due_to_order"
# The catalog attributes the line reads, once each, in one query.
ATTRIBUTES = (
    "order_count",
    "_last_order_day",
    "median_order_interval_days",
    "expected_next_order_date",
    "days_until_expected_order",
    "overdue_ratio",
)
STATE_LABELS = {"due": "Due", "late": "Late", "on_time": "On time"}
STATE_BADGES = {"due": "badge-due", "late": "badge-slipping", "on_time": "badge-healthy"}


@dataclass(frozen=True)
class CustomerRhythm:
    """One customer's ordering rhythm. ``state`` is "due", "late", "on_time", "too_few_orders" (fewer
    than three, so no usual interval) or "no_orders"."""

    order_count: int
    last_order: date | None
    usual_interval_days: float | None
    expected_next_order: date | None
    days_until_expected: int | None
    overdue_ratio: float | None
    state: str
    # The segment "due" is judged by, when the tenant has it.
    due_metric_code: str = ""

    @property
    def label(self) -> str:
        return STATE_LABELS.get(self.state, "")

    @property
    def badge(self) -> str:
        return STATE_BADGES.get(self.state, "")

    @property
    def days_late(self) -> int:
        return max(0, -(self.days_until_expected or 0))

    @property
    def orders_needed(self) -> int:
        return max(0, 3 - self.order_count)


def _state(*, order_count: int, expected: date | None, days_until: int | None, in_due_segment: bool) -> str:
    if order_count == 0:
        return "no_orders"
    if expected is None or days_until is None:
        return "too_few_orders"
    if days_until < 0:
        return "late"
    return "due" if in_due_segment else "on_time"


def _due_condition(actor: Actor, ctx: Any) -> tuple[str, Any]:
    """Return the code and the compiled condition of the tenant's current due segment, or ("", None)
    when it has none (deleted, deprecated, turned into a value metric, or no longer checking)."""
    version = (
        MetricVersion.objects.for_tenant(actor.tenant)
        .filter(
            definition__code=DUE_SEGMENT,
            definition__deprecated_at__isnull=True,
            version=F("definition__current_version"),
            kind=MetricKind.SEGMENT,
        )
        .first()
    )
    if version is None:
        return "", None
    try:
        # Checked once per formula text, like every stored metric evaluated (see evaluation).
        checked = _checked_formula(actor.tenant, version)
    except FormulaError:
        return "", None
    condition = condition_of(checked, ctx)
    return DUE_SEGMENT, condition if isinstance(condition, Q) else Q(condition)


def customer_rhythm(*, actor: Actor, customer: Customer, today: date | None = None) -> CustomerRhythm:
    """Return ``customer``'s rhythm as ``actor`` sees it, in two queries (the due segment's current
    version, then every figure and the segment's condition for this customer).

    The customer is read through ``visible_customers(actor)``: one the actor cannot see has no orders.
    """
    day = today or tenant_today(actor.tenant)
    ctx = build_context(actor.tenant, day)
    annotations: dict[str, Any] = {f"attr_{name}": CUSTOMER.build(name, ctx) for name in ATTRIBUTES}
    due_code, due = _due_condition(actor, ctx)
    if due is not None:
        annotations["in_due_segment"] = Case(
            When(due, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    row = visible_customers(actor).filter(pk=customer.pk).annotate(**annotations).values(*annotations).first()
    values = row or {}
    order_count = int(values.get("attr_order_count") or 0)
    interval = values.get("attr_median_order_interval_days")
    expected = from_day_number(values.get("attr_expected_next_order_date"))
    until = values.get("attr_days_until_expected_order")
    days_until = None if until is None else int(until // 1)
    ratio = values.get("attr_overdue_ratio")
    return CustomerRhythm(
        order_count=order_count,
        last_order=from_day_number(values.get("attr__last_order_day")),
        usual_interval_days=None if interval is None else float(interval),
        expected_next_order=expected,
        days_until_expected=days_until,
        overdue_ratio=None if ratio is None else float(ratio),
        state=_state(
            order_count=order_count,
            expected=expected,
            days_until=days_until,
            in_due_segment=bool(values.get("in_due_segment")),
        ),
        due_metric_code=due_code,
    )
