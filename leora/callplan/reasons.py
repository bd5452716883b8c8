"""Why an account is in a plan: the reasons, their default weights and the metrics that feed them.

A metric reason holds for a customer when the customer is in every one of its segments (the tenant's
own metric definitions, read through ``metric_customers`` with the rep's scope); the tenant's
CallPlanSettings may change a reason's weight (0 turns it off) and its metric codes. The task and
event reasons come from the rep's open tasks and calendar, not from a metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leora.callplan.models import CallPlanSettings, PlanAction
from leora.errors import InvalidInput
from leora.tenancy.models import Tenant


@dataclass(frozen=True)
class ReasonSpec:
    key: str
    label: str
    weight: float
    action: str
    # The segments a customer must all be in; empty for the task and event reasons.
    metrics: tuple[str, ...] = ()


REASONS: tuple[ReasonSpec, ...] = (
    ReasonSpec("event_booked", "Event booked this week", 100, PlanAction.VISIT),
    ReasonSpec("at_risk", "At risk", 60, PlanAction.VISIT, ("at_risk_customer",)),
    ReasonSpec("due_to_order", "Due to order", 50, PlanAction.CALL, ("due_to_order",)),
    ReasonSpec(
        "dormant_high_value",
        "Dormant, high value",
        40,
        PlanAction.VISIT,
        ("dormant_customer", "high_value_customer"),
    ),
    ReasonSpec("overdue_balance", "Overdue balance to chase", 30, PlanAction.CALL, ("overdue_balance",)),
    ReasonSpec("task_due", "Task due", 25, PlanAction.CALL),
    ReasonSpec(
        "prospect_not_contacted",
        "Prospect not contacted recently",
        20,
        PlanAction.TASTING,
        ("prospect_without_activity",),
    ),
)
REASONS_BY_KEY = {spec.key: spec for spec in REASONS}


@dataclass(frozen=True)
class Reason:
    """A reason as a tenant configured it."""

    key: str
    label: str
    weight: float
    action: str
    metrics: tuple[str, ...]
    from_metrics: bool


@dataclass(frozen=True)
class Ranking:
    reasons: tuple[Reason, ...]
    max_items: int

    def get(self, key: str) -> Reason:
        return next(reason for reason in self.reasons if reason.key == key)


def settings_of(tenant: Tenant) -> CallPlanSettings:
    """Return the tenant's settings row, unsaved with the defaults when the admins never edited it."""
    found = CallPlanSettings.objects.for_tenant(tenant).first()
    return found or CallPlanSettings(tenant=tenant)


def ranking_of(tenant: Tenant, stored: CallPlanSettings | None = None) -> Ranking:
    """Return the tenant's reasons with their weights and metric codes, defaults filled in."""
    stored = stored or settings_of(tenant)
    reasons = []
    for spec in REASONS:
        weight = float(stored.weights.get(spec.key, spec.weight))
        metrics = tuple(stored.metrics.get(spec.key, spec.metrics)) if spec.metrics else ()
        reasons.append(
            Reason(
                key=spec.key,
                label=spec.label,
                weight=weight,
                action=spec.action,
                metrics=metrics,
                from_metrics=bool(spec.metrics),
            )
        )
    return Ranking(reasons=tuple(reasons), max_items=stored.max_items)


def check_settings(*, weights: dict[str, Any], metrics: dict[str, Any]) -> None:
    """Raise InvalidInput naming the field of an unknown reason, a bad weight or a bad metric list."""
    for key, weight in weights.items():
        if key not in REASONS_BY_KEY:
            raise InvalidInput.on(f"weights.{key}", f"no reason {key!r}; known: {', '.join(REASONS_BY_KEY)}")
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not 0 <= weight <= 1000:
            raise InvalidInput.on(f"weights.{key}", "a weight is a number from 0 to 1000")
    for key, codes in metrics.items():
        spec = REASONS_BY_KEY.get(key)
        if spec is None or not spec.metrics:
            raise InvalidInput.on(f"metrics.{key}", f"{key!r} is not a reason fed by metrics")
        if (
            not isinstance(codes, list)
            or not 1 <= len(codes) <= 4
            or not all(isinstance(code, str) and code for code in codes)
        ):
            raise InvalidInput.on(f"metrics.{key}", "a list of one to four metric codes")
