"""The attributes a formula can use, per entity, each with its type, unit, meaning and SQL.

Every attribute is built as a Django ORM expression over the CRM tables of one tenant, evaluated
"as of" a given date. The aggregates of a customer's history read the customer's facts row
(``CustomerFacts``, kept current by ``leora.crm.facts``) when it holds them for that date, and the
raw orders, lines, invoices and activities otherwise: ``CASE WHEN <facts hold> THEN <stored column>
ELSE <subquery over the raw rows> END``, so a result never depends on whether facts are built, only
its speed does. ``BuildContext(use_facts=False)`` builds every attribute from the raw rows alone
(the property test and the benchmark compare the two).

Numbers, durations and dates are all compiled to floating-point numbers (durations in days, dates
as days since 1970-01-01) so arithmetic behaves the same on SQLite and PostgreSQL. Only customers
exist today; an entity for orders or products would add its own ``Entity`` with its own model and
attributes.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate
from django.db.models.lookups import LessThanOrEqual

from leora.crm.models import Activity, Customer, Invoice, Order, OrderLine, OrderStatus
from leora.metrics.formula.expressions import DayNumber, MedianOrderGap
from leora.metrics.formula.ftypes import FType

EPOCH = date(1970, 1, 1)
NEW_CUSTOMER_DAYS = 90


def day_number(day: date) -> int:
    """Days from 1970-01-01 to ``day``: how dates are represented inside compiled formulas."""
    return (day - EPOCH).days


def from_day_number(value: float | None) -> date | None:
    """The date of a day number (rounded down), or None."""
    return None if value is None else EPOCH + timedelta(days=int(value // 1))


@dataclass
class BuildContext:
    """What every attribute's SQL depends on: the tenant, "today" and the tenant's time zone."""

    tenant_id: int
    today: date
    timezone: str = "UTC"
    # Read the customer facts table where it holds an attribute (False: always the raw rows).
    use_facts: bool = True
    _built: dict[str, Any] = field(default_factory=dict)

    @property
    def today_number(self) -> int:
        return day_number(self.today)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


@dataclass(frozen=True)
class FactsSource:
    """Where an attribute is stored in the customer facts row, and when that stored value holds."""

    stored: Callable[[BuildContext], Any]
    holds: Callable[[BuildContext], Q]


@dataclass(frozen=True)
class AttributeSpec:
    name: str
    type: FType
    unit: str
    description: str
    build: Callable[[BuildContext], Any]
    # Text attributes list their possible values where there is a fixed set (shown by the builder).
    choices: tuple[str, ...] = ()
    # Set for the aggregates the customer facts table stores; ``build`` is then the raw fallback.
    facts: FactsSource | None = None

    def expression(self, ctx: BuildContext) -> Any:
        """Return the attribute's expression: from the facts row where it holds, else from raw rows."""
        raw = self.build(ctx)
        if self.facts is None or not ctx.use_facts:
            return raw
        return Case(
            When(self.facts.holds(ctx), then=self.facts.stored(ctx)), default=raw, output_field=FloatField()
        )


@dataclass(frozen=True)
class Entity:
    name: str
    model: type[Any]
    attributes: dict[str, AttributeSpec]

    def build(self, name: str, ctx: BuildContext) -> Any:
        """Return the expression of attribute ``name`` (built once per context)."""
        if name not in ctx._built:
            ctx._built[name] = self.attributes[name].expression(ctx)
        return ctx._built[name]


def _float(expression: Any) -> Any:
    return Cast(expression, FloatField())


def _has_facts(ctx: BuildContext) -> Q:
    # A facts row exists (the column is never NULL in one): its history aggregates hold on any day.
    return Q(facts__windows_as_of__isnull=False)


def _windows_hold(ctx: BuildContext) -> Q:
    # Rolling windows were computed for one day and hold on that day only.
    return Q(facts__windows_as_of=ctx.today)


def _overdue_holds(ctx: BuildContext) -> Q:
    # The overdue balance holds on any day with no open invoice's due date between that day and
    # the one it was computed for: the latest due date counted overdue is before today, and the next
    # open one is not.
    return (
        _has_facts(ctx)
        & (Q(facts__overdue_last_due_on__isnull=True) | Q(facts__overdue_last_due_on__lt=ctx.today))
        & (Q(facts__open_next_due_on__isnull=True) | Q(facts__open_next_due_on__gte=ctx.today))
    )


def _stored(column: str, holds: Callable[[BuildContext], Q] = _has_facts) -> FactsSource:
    return FactsSource(stored=lambda ctx: _float(F(f"facts__{column}")), holds=holds)


def _stored_window(column: str) -> FactsSource:
    return _stored(column, _windows_hold)


def _orders(ctx: BuildContext) -> QuerySet[Order]:
    return (
        Order.objects.for_tenant(ctx.tenant_id)
        .filter(customer_id=OuterRef("pk"))
        .exclude(status=OrderStatus.CANCELLED)
        .order_by()
    )


def _in_window(queryset: QuerySet[Any], ctx: BuildContext, start: int, end: int, prefix: str = "") -> Any:
    """Rows dated in (today - start days, today - end days]."""
    return queryset.filter(
        **{
            f"{prefix}order_date__gt": ctx.today - timedelta(days=start),
            f"{prefix}order_date__lte": ctx.today - timedelta(days=end),
        }
    )


def _aggregate(queryset: QuerySet[Any], group: str, aggregate: Any) -> Subquery:
    return Subquery(queryset.values(group).annotate(value=aggregate).values("value")[:1])


def _count_orders(ctx: BuildContext, queryset: QuerySet[Order]) -> Any:
    return _float(Coalesce(_aggregate(queryset, "customer_id", Count("id")), 0))


def _revenue(ctx: BuildContext, queryset: QuerySet[Order]) -> Any:
    return _float(
        Coalesce(_aggregate(queryset, "customer_id", Sum("total")), Value(0), output_field=FloatField())
    )


def _revenue_between(start: int, end: int) -> Callable[[BuildContext], Any]:
    return lambda ctx: _revenue(ctx, _in_window(_orders(ctx), ctx, start, end))


def _last_order_day(ctx: BuildContext) -> Any:
    return _float(DayNumber(_aggregate(_orders(ctx), "customer_id", Max("order_date"))))


def _today(ctx: BuildContext) -> Any:
    return Value(float(ctx.today_number), output_field=FloatField())


def _days_since_last_order(ctx: BuildContext) -> Any:
    return ExpressionWrapper(_today(ctx) - CUSTOMER.build("_last_order_day", ctx), output_field=FloatField())


def _median_interval(ctx: BuildContext) -> Any:
    return _float(MedianOrderGap(F("pk"), ctx.tenant_id))


def _expected_next_order(ctx: BuildContext) -> Any:
    return ExpressionWrapper(
        CUSTOMER.build("_last_order_day", ctx) + CUSTOMER.build("median_order_interval_days", ctx),
        output_field=FloatField(),
    )


def _days_until_expected(ctx: BuildContext) -> Any:
    return ExpressionWrapper(
        CUSTOMER.build("expected_next_order_date", ctx) - _today(ctx), output_field=FloatField()
    )


def _overdue_ratio(ctx: BuildContext) -> Any:
    return ExpressionWrapper(
        CUSTOMER.build("days_since_last_order", ctx)
        / NullIf(CUSTOMER.build("median_order_interval_days", ctx), Value(0.0)),
        output_field=FloatField(),
    )


def _invoices(ctx: BuildContext) -> QuerySet[Invoice]:
    return Invoice.objects.for_tenant(ctx.tenant_id).filter(customer_id=OuterRef("pk")).order_by()


def _balance(queryset: QuerySet[Invoice]) -> Any:
    owed = Sum(F("amount") - F("paid_amount"))
    return _float(Coalesce(_aggregate(queryset, "customer_id", owed), Value(0), output_field=FloatField()))


def _overdue_balance(ctx: BuildContext) -> Any:
    overdue = (
        _invoices(ctx)
        .alias(open_amount=F("amount") - F("paid_amount"))
        .filter(due_on__lt=ctx.today, open_amount__gt=0)
    )
    return _balance(overdue)


def _local_day(ctx: BuildContext, expression: Any) -> Any:
    return DayNumber(TruncDate(expression, tzinfo=ctx.tzinfo))


def _last_activity_day(ctx: BuildContext) -> Any:
    activities = Activity.objects.for_tenant(ctx.tenant_id).filter(customer_id=OuterRef("pk")).order_by()
    last = _aggregate(activities, "customer_id", Max("occurred_at"))
    return _float(_local_day(ctx, last))


def _days_since_last_activity(ctx: BuildContext) -> Any:
    return ExpressionWrapper(
        _today(ctx) - CUSTOMER.build("_last_activity_day", ctx), output_field=FloatField()
    )


def _distinct_products(start: int, end: int) -> Callable[[BuildContext], Any]:
    def build(ctx: BuildContext) -> Any:
        lines = (
            OrderLine.objects.for_tenant(ctx.tenant_id)
            .filter(order__customer_id=OuterRef("pk"))
            .exclude(order__status=OrderStatus.CANCELLED)
            .order_by()
        )
        lines = _in_window(lines, ctx, start, end, prefix="order__")
        return _float(
            Coalesce(_aggregate(lines, "order__customer_id", Count("product_id", distinct=True)), 0)
        )

    return build


def _customer_age(ctx: BuildContext) -> Any:
    return ExpressionWrapper(
        _today(ctx) - _float(_local_day(ctx, F("created_at"))), output_field=FloatField()
    )


def _is_new_customer(ctx: BuildContext) -> Any:
    return LessThanOrEqual(CUSTOMER.build("customer_age_days", ctx), Value(float(NEW_CUSTOMER_DAYS)))


def _field(name: str) -> Callable[[BuildContext], Any]:
    return lambda ctx: F(name)


def _attr(
    name: str, type_: FType, unit: str, description: str, build: Callable[[BuildContext], Any], **extra: Any
) -> tuple[str, AttributeSpec]:
    return name, AttributeSpec(name, type_, unit, description, build, **extra)


D, N, T, B, DT = FType.DURATION, FType.NUMBER, FType.TEXT, FType.BOOLEAN, FType.DATE

CUSTOMER: Entity = Entity(
    name="customer",
    model=Customer,
    attributes=dict(
        [
            _attr(
                "days_since_last_order",
                D,
                "days",
                "Days from the latest non-cancelled order to today; empty when the customer never ordered.",
                _days_since_last_order,
            ),
            _attr(
                "order_count",
                N,
                "orders",
                "Number of non-cancelled orders ever.",
                lambda ctx: _count_orders(ctx, _orders(ctx)),
                facts=_stored("order_count"),
            ),
            _attr(
                "orders_last_90_days",
                N,
                "orders",
                "Non-cancelled orders dated in the last 90 days (today included).",
                lambda ctx: _count_orders(ctx, _in_window(_orders(ctx), ctx, 90, 0)),
                facts=_stored_window("orders_last_90_days"),
            ),
            _attr(
                "lifetime_revenue",
                N,
                "money",
                "Sum of all non-cancelled order totals.",
                lambda ctx: _revenue(ctx, _orders(ctx)),
                facts=_stored("lifetime_revenue"),
            ),
            _attr(
                "revenue_last_30_days",
                N,
                "money",
                "Order totals of the last 30 days.",
                _revenue_between(30, 0),
                facts=_stored_window("revenue_last_30_days"),
            ),
            _attr(
                "revenue_last_90_days",
                N,
                "money",
                "Order totals of the last 90 days.",
                _revenue_between(90, 0),
                facts=_stored_window("revenue_last_90_days"),
            ),
            _attr(
                "revenue_prior_90_days",
                N,
                "money",
                "Order totals of the 90 days before the last 90 (days 91 to 180 ago).",
                _revenue_between(180, 90),
                facts=_stored_window("revenue_prior_90_days"),
            ),
            _attr(
                "revenue_same_90_days_last_year",
                N,
                "money",
                "Order totals of the same 90 days one year earlier (days 366 to 455 ago).",
                _revenue_between(455, 365),
                facts=_stored_window("revenue_same_90_days_last_year"),
            ),
            _attr(
                "average_order_value",
                N,
                "money",
                "Lifetime revenue divided by the order count; empty without orders.",
                lambda ctx: ExpressionWrapper(
                    CUSTOMER.build("lifetime_revenue", ctx)
                    / NullIf(CUSTOMER.build("order_count", ctx), Value(0.0)),
                    output_field=FloatField(),
                ),
            ),
            _attr(
                "median_order_interval_days",
                D,
                "days",
                "The customer's usual reorder interval: the median of the last up to 12 gaps between "
                "consecutive orders; empty with fewer than 3 orders.",
                _median_interval,
                facts=_stored("median_order_interval_days"),
            ),
            _attr(
                "expected_next_order_date",
                DT,
                "date",
                "Latest order date plus the median order interval; empty with fewer than 3 orders.",
                _expected_next_order,
            ),
            _attr(
                "days_until_expected_order",
                D,
                "days",
                "Days from today to the expected next order (negative when it is late).",
                _days_until_expected,
            ),
            _attr(
                "overdue_ratio",
                N,
                "ratio",
                "Days since the last order divided by the median order interval: 1 is on time, 2 is "
                "one full cycle late; empty with fewer than 3 orders.",
                _overdue_ratio,
            ),
            _attr(
                "balance_due",
                N,
                "money",
                "Invoiced amount minus payments, over all invoices.",
                lambda ctx: _balance(_invoices(ctx)),
                facts=_stored("balance_due"),
            ),
            _attr(
                "overdue_balance",
                N,
                "money",
                "Open balance of invoices whose due date has passed.",
                _overdue_balance,
                facts=_stored("overdue_balance", _overdue_holds),
            ),
            _attr(
                "days_since_last_activity",
                D,
                "days",
                "Days since the latest call, visit, tasting, email or note (in the tenant's time zone); "
                "empty when there is none.",
                _days_since_last_activity,
            ),
            _attr(
                "distinct_products_last_90_days",
                N,
                "products",
                "Different products on non-cancelled orders of the last 90 days.",
                _distinct_products(90, 0),
                facts=_stored_window("distinct_products_last_90_days"),
            ),
            _attr(
                "distinct_products_prior_90_days",
                N,
                "products",
                "Different products on non-cancelled orders of days 91 to 180 ago.",
                _distinct_products(180, 90),
                facts=_stored_window("distinct_products_prior_90_days"),
            ),
            _attr(
                "account_type",
                T,
                "text",
                "PROSPECT, TARGET or ACTIVE.",
                _field("account_type"),
                choices=("PROSPECT", "TARGET", "ACTIVE"),
            ),
            _attr(
                "status",
                T,
                "text",
                "active, on_hold or closed.",
                _field("status"),
                choices=("active", "on_hold", "closed"),
            ),
            _attr("territory", T, "text", "The customer's territory, as typed.", _field("territory")),
            _attr(
                "assigned_rep",
                T,
                "text",
                "Email of the assigned rep; empty when unassigned.",
                _field("assigned_rep__email"),
            ),
            _attr(
                "customer_age_days",
                D,
                "days",
                "Days since the customer was created (in the tenant's time zone).",
                _customer_age,
            ),
            _attr(
                "is_new_customer",
                B,
                "boolean",
                f"True when the customer was created at most {NEW_CUSTOMER_DAYS} days ago.",
                _is_new_customer,
            ),
            # Internal building block of expected_next_order_date; not offered to formulas.
            _attr(
                "_last_order_day",
                DT,
                "date",
                "",
                _last_order_day,
                facts=FactsSource(
                    stored=lambda ctx: _float(DayNumber(F("facts__last_order_date"))), holds=_has_facts
                ),
            ),
            # Internal building block of days_since_last_activity (the local day of the latest one).
            _attr(
                "_last_activity_day",
                DT,
                "date",
                "",
                _last_activity_day,
                facts=FactsSource(
                    stored=lambda ctx: _float(_local_day(ctx, F("facts__last_activity_at"))), holds=_has_facts
                ),
            ),
        ]
    ),
)

ENTITIES = {"customer": CUSTOMER}


def public_attributes(entity: Entity = CUSTOMER) -> dict[str, AttributeSpec]:
    """Return the attributes formulas may use, by name."""
    return {name: spec for name, spec in entity.attributes.items() if not name.startswith("_")}


def attribute_types(entity: Entity = CUSTOMER) -> dict[str, FType]:
    """Return the type of every attribute formulas may use."""
    return {name: spec.type for name, spec in public_attributes(entity).items()}
