"""The health panel of a customer's page: the tenant's ``health_score`` for one customer with the
reasons behind it, the cadence figures, and every segment the customer belongs to.

Everything comes from the tenant's current metric versions, read in one query, and is evaluated for
the one customer in one more query, through the same compiler as every list and count: the score is
``value_of`` its formula, each segment's membership is ``condition_of`` its formula.

The reasons are read off the formula itself, so they stay true when an admin edits it. A score is
usually a constant minus or plus a few weighted parts (``100 - 30 * min(overdue_ratio, 3) - ...``):
the outer ``round``/``max``/``min`` around the sum are set aside, the sum is split into its signed
parts, and each part is evaluated on its own. Its best possible value comes from the bounds of the
part (``min(x, 1)`` is at most 1; money, counts and days since are never negative), so a part that
falls short of its best "costs points". A formula that is no such sum is one part.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, assert_never

from django.db.models import BooleanField, Case, CharField, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Cast

from leora.crm.models import Customer
from leora.crm.visibility import visible_customers
from leora.metrics.evaluation import build_context
from leora.metrics.formula import (
    CUSTOMER,
    FUNCTIONS,
    Checked,
    Compiler,
    FormulaError,
    FType,
    ReferencedMetric,
    analyse,
)
from leora.metrics.formula import nodes as n
from leora.metrics.formula.catalog import BuildContext, Entity, from_day_number
from leora.metrics.formula.expressions import float_value
from leora.metrics.models import MetricKind, MetricVersion
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today

HEALTH_SCORE = "health_score"
# The cadence figures shown beside the score whatever its formula uses.
CADENCE = ("median_order_interval_days", "expected_next_order_date", "days_since_last_order", "overdue_ratio")
# Attributes that can be below zero: an overpaid balance, an expected order date already passed.
_SIGNED = frozenset({"balance_due", "days_until_expected_order"})
# Words that read better than the attribute's name on the page.
_LABELS = {"days_since_last_activity": "Days since last contact"}
# A part is said to cost points when it falls at least this far short of its best (scores are whole).
COST_THRESHOLD = 0.5
# The default segments that are account-health states, and the status colour each is shown in.
STATUS_TONES = {
    "healthy_customer": "healthy",
    "due_to_order": "due",
    "at_risk_customer": "at-risk",
    "dormant_customer": "dormant",
}
INF = math.inf


@dataclass(frozen=True)
class MetricLink:
    """A metric definition at the version used; pages link it to the metric's page."""

    code: str
    name: str
    version: int


@dataclass(frozen=True)
class Input:
    """One catalog attribute a reason depends on, with this customer's value (None: empty)."""

    name: str
    label: str
    unit: str
    type: str
    value: float | date | None


@dataclass(frozen=True)
class Reason:
    """One signed part of the score: what it adds for this customer and the most it could add."""

    label: str
    inputs: tuple[Input, ...]
    points: float | None
    best: float | None
    worst: float | None = None

    @property
    def size(self) -> float | None:
        """Return the points without their sign (pages print the sign themselves)."""
        return None if self.points is None else abs(self.points)

    @property
    def at_stake(self) -> float | None:
        """Return how many points this part can move the score by (best minus worst), or None."""
        return None if self.best is None or self.worst is None else self.best - self.worst

    @property
    def lost(self) -> float | None:
        """Return how many points this part falls short of its best, or None when unknown."""
        if self.points is None or self.best is None:
            return None
        return max(0.0, self.best - self.points)

    @property
    def costs_points(self) -> bool:
        lost = self.lost
        if lost is None:
            return self.points is not None and self.points <= -COST_THRESHOLD
        return lost >= COST_THRESHOLD


@dataclass(frozen=True)
class SegmentMembership:
    metric: MetricLink
    member: bool

    @property
    def tone(self) -> str:
        """Return the account-health status colour of this segment ("" for other segments)."""
        return STATUS_TONES.get(self.metric.code, "")


@dataclass(frozen=True)
class CustomerHealth:
    """What the health panel shows. ``metric`` is None when the tenant has no ``health_score`` value
    metric; ``problem`` says why the score could not be computed (its formula no longer checks)."""

    metric: MetricLink | None
    score: float | None
    unit: str
    base: float | None
    reasons: list[Reason]
    usual_interval_days: float | None
    expected_next_order: date | None
    days_since_last_order: float | None
    overdue_ratio: float | None
    segments: list[SegmentMembership]
    problem: str = ""

    @property
    def member_of(self) -> list[SegmentMembership]:
        return [s for s in self.segments if s.member]

    @property
    def not_member_of(self) -> list[SegmentMembership]:
        return [s for s in self.segments if not s.member]

    @property
    def points_lost(self) -> list[Reason]:
        return [r for r in self.reasons if r.costs_points]


# ----------------------------------------------------------------------------- the parts of a formula


def _is_constant(node: n.Node) -> bool:
    return not any(isinstance(x, n.Attribute | n.MetricRef | n.Today) for x in n.walk(node))


def sum_inside(node: n.Node) -> n.Node:
    """Return the sum a score formula is built on: ``round(x)``, and ``max``/``min`` of ``x`` and
    constants (a clamp to a range), are peeled off."""
    while isinstance(node, n.Call):
        values = FUNCTIONS[node.name].value_args(node.args) if node.name in FUNCTIONS else ()
        if node.name == "round" and len(values) == 1:
            node = values[0]
            continue
        if node.name in {"max", "min"}:
            varying = [arg for arg in values if not _is_constant(arg)]
            if len(varying) == 1:
                node = varying[0]
                continue
        break
    return node


def signed_parts(node: n.Node, sign: int = 1) -> list[tuple[int, n.Node]]:
    """Return the terms of a sum as (sign, term): ``a - b + c`` is [(1, a), (-1, b), (1, c)]."""
    match node:
        case n.Arithmetic(op="+", left=left, right=right):
            return signed_parts(left, sign) + signed_parts(right, sign)
        case n.Arithmetic(op="-", left=left, right=right):
            return signed_parts(left, sign) + signed_parts(right, -sign)
        case n.Negate(operand=operand):
            return signed_parts(operand, -sign)
        case _:
            return [(sign, node)]


def _attributes_of(node: n.Node, checked: Checked) -> list[str]:
    found: list[str] = []
    for x in n.walk(node):
        names: Iterable[str] = ()
        if isinstance(x, n.Attribute):
            names = [x.name]
        elif isinstance(x, n.MetricRef) and x.code in checked.metrics:
            names = _attributes_of(checked.metrics[x.code], checked)
        found.extend(name for name in names if name not in found)
    return found


# ---------------------------------------------------------------------------------- bounds of a part


def _mul(x: float, y: float) -> float:
    # 0 times an unbounded side is 0 here: the other side is a real number at any one customer.
    return 0.0 if x == 0 or y == 0 else x * y


def _div(x: float, y: float) -> float:
    if math.isinf(x) and math.isinf(y):
        return math.nan
    return x / y


def _span(values: list[float]) -> tuple[float, float]:
    known = [v for v in values if not math.isnan(v)]
    return (min(known), max(known)) if known else (-INF, INF)


def bounds(node: n.Node, ctx: BuildContext) -> tuple[float, float]:
    """Return the lowest and highest value ``node`` can take for any customer (infinite when not
    bounded): the interval arithmetic of the formula, with money, counts and days since an event
    never negative."""
    match node:
        case n.Number(value=value):
            return float(value), float(value)
        case n.Duration(days=days):
            return float(days), float(days)
        case n.Today():
            return float(ctx.today_number), float(ctx.today_number)
        case n.Attribute(name=name):
            spec = CUSTOMER.attributes[name]
            if spec.type in (FType.NUMBER, FType.DURATION) and name not in _SIGNED:
                return 0.0, INF
            return -INF, INF
        case n.Negate(operand=operand):
            low, high = bounds(operand, ctx)
            return -high, -low
        case n.Arithmetic(op=op, left=left, right=right):
            (a, b), (c, d) = bounds(left, ctx), bounds(right, ctx)
            if op == "+":
                return a + c, b + d
            if op == "-":
                return a - d, b - c
            if op == "*":
                return _span([_mul(a, c), _mul(a, d), _mul(b, c), _mul(b, d)])
            if c > 0 or d < 0:
                return _span([_div(a, c), _div(a, d), _div(b, c), _div(b, d)])
            return -INF, INF
        case n.Call(name=name, args=args):
            values = [bounds(arg, ctx) for arg in FUNCTIONS[name].value_args(args)]
            if name == "min":
                return min(v[0] for v in values), min(v[1] for v in values)
            if name == "max":
                return max(v[0] for v in values), max(v[1] for v in values)
            if name == "coalesce":
                return min(v[0] for v in values), max(v[1] for v in values)
            if name == "round":
                return values[0]
            if name == "abs":
                low, high = values[0]
                return (0.0 if low <= 0 <= high else min(abs(low), abs(high))), max(abs(low), abs(high))
            return -INF, INF
        case (
            n.String() | n.Boolean() | n.MetricRef() | n.Compare() | n.InList() | n.Between() | n.IsNull()
            | n.And() | n.Or() | n.Not()
        ):  # fmt: skip
            return -INF, INF
        case _:
            assert_never(node)


# ------------------------------------------------------------------------------------- the panel


def _label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " ").capitalize())


def _reason_label(names: list[str]) -> str:
    if not names:
        return "Other"
    labels = [_label(name) for name in names]
    # "Revenue last 90 days vs prior 90 days" rather than repeating the shared first word.
    first = {label.split(" ", 1)[0] for label in labels}
    if len(labels) > 1 and len(first) == 1 and all(" " in label for label in labels):
        return labels[0] + "".join(" vs " + label.split(" ", 1)[1] for label in labels[1:])
    return " vs ".join([labels[0], *[label[0].lower() + label[1:] for label in labels[1:]]])


def _as_value(name: str, raw: Any) -> float | date | None:
    if raw is None:
        return None
    if CUSTOMER.attributes[name].type == FType.DATE:
        return from_day_number(raw)
    return raw if isinstance(raw, bool) else float(raw)


def _attribute_expression(name: str, ctx: BuildContext) -> Any:
    expression = CUSTOMER.build(name, ctx)
    if CUSTOMER.attributes[name].type == FType.BOOLEAN:
        return ExpressionWrapper(Q(expression), output_field=BooleanField())
    return expression


def _current_versions(actor: Actor) -> list[Any]:
    return list(
        MetricVersion.objects.for_tenant(actor.tenant)
        .filter(version=F("definition__current_version"))
        .annotate(deprecated_at=F("definition__deprecated_at"))
        .order_by("name", "code")
    )


@functools.lru_cache(maxsize=512)
def _analysed(formula: str, kind: str, known: tuple[ReferencedMetric, ...]) -> Checked:
    # Parsing and checking cost more than the two queries; a formula and the metrics it may
    # reference are the whole input, so the outcome is kept per tenant's current set of versions.
    # Any saved version changes ``known`` and so the key. The checked tree is only ever read.
    return analyse(formula, kind=kind, resolve={m.code: m for m in known}.get)


def _checked(version: Any, known: tuple[ReferencedMetric, ...]) -> Checked | None:
    try:
        return _analysed(version.formula, version.kind, known)
    except FormulaError:
        # A stored formula that no longer checks (a metric it used was deleted) has nothing to show.
        return None


def _needed_attributes(checked: Checked) -> set[str]:
    names = set(checked.attributes)
    for tree in [checked.tree, *checked.metrics.values()]:
        names.update(x.name for x in n.walk(tree) if isinstance(x, n.Attribute))
    return names


def _literal(name: str, value: Any) -> Any:
    kind = CUSTOMER.attributes[name].type
    if kind == FType.BOOLEAN:
        return Value(value, output_field=BooleanField())
    if kind == FType.TEXT:
        return Value(value, output_field=CharField())
    if value is None:
        # A typed NULL: PostgreSQL cannot pick round() or min() for an untyped one.
        return Cast(Value(None), FloatField())
    return float_value(value)


def _constant(literal: Any) -> Callable[[BuildContext], Any]:
    return lambda ctx: literal


def _entity_of(values: dict[str, Any]) -> Entity:
    """Return the customer entity with each attribute in ``values`` fixed to its value as a bound
    parameter, so formulas compile to small SQL over values computed once."""
    return Entity(
        name=CUSTOMER.name,
        model=CUSTOMER.model,
        attributes={
            # No facts source: the value is already final, whichever way the catalog computed it.
            name: replace(CUSTOMER.attributes[name], build=_constant(_literal(name, value)), facts=None)
            for name, value in values.items()
        },
    )


def customer_health(*, actor: Actor, customer: Customer, today: date | None = None) -> CustomerHealth:
    """Return the health panel of ``customer`` as ``actor`` sees it, in three queries.

    The score is the tenant's current ``health_score`` value metric; the segments are every segment
    metric not deprecated, by name, each with whether this customer is in it. The customer is read
    through ``visible_customers(actor)``: one the actor cannot see gets an empty panel.

    Queries: the tenant's current metric versions; every attribute any of them uses, once each, for
    this customer (the catalog's SQL, as in every list); then every formula compiled by the formula
    compiler over those values, so the database evaluates the score, its parts and each segment's
    condition with the same SQL semantics as ``metric_values`` and ``metric_customers`` (an empty
    value compares neither true nor false), without repeating each attribute's subqueries in every
    formula that uses it.
    """
    day = today or tenant_today(actor.tenant)
    ctx = build_context(actor.tenant, day)
    versions = _current_versions(actor)
    known = tuple(ReferencedMetric(code=v.code, kind=v.kind, formula=v.formula) for v in versions)

    score_version = next((v for v in versions if v.code == HEALTH_SCORE and v.kind == MetricKind.VALUE), None)
    score_checked = _checked(score_version, known) if score_version else None
    segments: list[tuple[Any, Checked]] = []
    for version in versions:
        if version.kind != MetricKind.SEGMENT or version.deprecated_at is not None:
            continue
        checked = _checked(version, known)
        if checked is not None:
            segments.append((version, checked))

    names = set(CADENCE)
    for checked in [score_checked, *(c for _, c in segments)]:
        if checked is not None:
            names |= _needed_attributes(checked)
    attributes = (
        visible_customers(actor)
        .filter(pk=customer.pk)
        .annotate(**{f"attr_{name}": _attribute_expression(name, ctx) for name in sorted(names)})
        .values(*(f"attr_{name}" for name in sorted(names)))
        .first()
    )
    values = {name: (attributes or {}).get(f"attr_{name}") for name in names}

    fixed = build_context(actor.tenant, day)
    entity = _entity_of(values) if attributes is not None else CUSTOMER
    annotations: dict[str, Any] = {}
    parts: list[tuple[int, n.Node]] = []
    if score_checked is not None:
        compiler = Compiler(fixed, score_checked, entity)
        annotations["score"] = compiler.value(score_checked.tree)
        parts = signed_parts(sum_inside(score_checked.tree))
        for index, (_, term) in enumerate(parts):
            annotations[f"part_{index}"] = compiler.value(term)
    for index, (_, checked) in enumerate(segments):
        condition = Compiler(fixed, checked, entity).condition(checked.tree)
        # CASE WHEN is true exactly where the segment's filter is true (an empty comparison is not).
        annotations[f"segment_{index}"] = Case(
            When(condition if isinstance(condition, Q) else Q(condition), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    row: dict[str, Any] = {}
    if attributes is not None and annotations:
        found = (
            Customer.objects.for_tenant(actor.tenant)
            .filter(pk=customer.pk)
            .annotate(**annotations)
            .values(*annotations)
            .first()
        )
        row = found or {}

    def attr(name: str) -> Any:
        return _as_value(name, values.get(name))

    metric = (
        MetricLink(code=score_version.code, name=score_version.name, version=score_version.version)
        if score_version
        else None
    )
    base: float | None = None
    reasons: list[Reason] = []
    if score_checked is not None:
        for index, (sign, term) in enumerate(parts):
            raw = row.get(f"part_{index}")
            points = None if raw is None else sign * float(raw)
            if _is_constant(term):
                base = (base or 0.0) + (points or 0.0)
                continue
            low, high = bounds(term, ctx)
            # + 0.0 turns the -0.0 of a negated zero into 0.0.
            best, worst = (high, low) if sign > 0 else (-low, -high)
            best, worst = best + 0.0, worst + 0.0
            inputs = _attributes_of(term, score_checked)
            reasons.append(
                Reason(
                    label=_reason_label(inputs),
                    inputs=tuple(
                        Input(
                            name=name,
                            label=_label(name),
                            unit=CUSTOMER.attributes[name].unit,
                            type=CUSTOMER.attributes[name].type.value,
                            value=attr(name),
                        )
                        for name in inputs
                    ),
                    points=points,
                    best=None if math.isinf(best) else best,
                    worst=None if math.isinf(worst) else worst,
                )
            )
    problem = ""
    if score_version is not None and score_checked is None:
        problem = "The health score's formula no longer checks; an admin can fix it on the metric's page."
    score = row.get("score")
    expected = attr("expected_next_order_date")
    return CustomerHealth(
        metric=metric,
        score=None if score is None else float(score),
        unit=score_version.unit if score_version else "",
        base=base,
        reasons=reasons,
        usual_interval_days=_float_or_none(attr("median_order_interval_days")),
        expected_next_order=expected if isinstance(expected, date) else None,
        days_since_last_order=_float_or_none(attr("days_since_last_order")),
        overdue_ratio=_float_or_none(attr("overdue_ratio")),
        segments=[
            SegmentMembership(
                metric=MetricLink(code=version.code, name=version.name, version=version.version),
                member=bool(row.get(f"segment_{index}")),
            )
            for index, (version, _) in enumerate(segments)
        ],
        problem=problem,
    )


def _float_or_none(value: float | date | None) -> float | None:
    return value if isinstance(value, float) else None
