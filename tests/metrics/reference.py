"""A plain-Python evaluator of formulas: the oracle the SQL compiler is checked against.

It computes every attribute from rows loaded into memory, independently of the catalog's SQL,
and follows SQL's three-valued logic (None is "unknown") and the same float arithmetic.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, assert_never

from leora.crm.models import Activity, Customer, Invoice, Order, OrderLine
from leora.metrics.formula import nodes as n
from leora.metrics.formula.catalog import NEW_CUSTOMER_DAYS, day_number
from leora.metrics.formula.functions import FUNCTIONS
from leora.tenancy.models import Tenant


@dataclass
class Facts:
    customer: Customer
    rep_email: str | None
    orders: list[Order] = field(default_factory=list)
    products_by_order: dict[int, set[int]] = field(default_factory=dict)
    invoices: list[Invoice] = field(default_factory=list)
    activities: list[datetime] = field(default_factory=list)


def load_facts(tenant: Tenant) -> dict[int, Facts]:
    """Return every customer of ``tenant`` with their rows, keyed by customer id."""
    facts = {
        c.pk: Facts(c, c.assigned_rep.email if c.assigned_rep else None)
        for c in Customer.objects.for_tenant(tenant).select_related("assigned_rep")
    }
    for order in Order.objects.for_tenant(tenant):
        facts[order.customer_id].orders.append(order)
    lines: dict[int, set[int]] = defaultdict(set)
    for line in OrderLine.objects.for_tenant(tenant):
        lines[line.order_id].add(line.product_id)
    for fact in facts.values():
        fact.products_by_order = {o.pk: lines[o.pk] for o in fact.orders}
    for invoice in Invoice.objects.for_tenant(tenant):
        facts[invoice.customer_id].invoices.append(invoice)
    for activity in Activity.objects.for_tenant(tenant):
        facts[activity.customer_id].activities.append(activity.occurred_at)
    return facts


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    count = len(ordered)
    picked = {(count + 1) // 2, (count + 2) // 2}
    chosen = [ordered[k - 1] for k in sorted(picked)]
    return sum(chosen) / len(chosen)


def attributes(fact: Facts, today: date, tz: Any) -> dict[str, Any]:
    """Return every catalog attribute of one customer as of ``today``."""
    t = float(day_number(today))
    orders = [o for o in fact.orders if o.status != "cancelled"]

    def window(start: int, end: int) -> list[Order]:
        return [
            o for o in orders if today - timedelta(days=start) < o.order_date <= today - timedelta(days=end)
        ]

    def revenue(rows: list[Order]) -> float:
        return float(sum((o.total for o in rows), Decimal("0")))

    def products(rows: list[Order]) -> float:
        found: set[int] = set()
        for o in rows:
            found |= fact.products_by_order[o.pk]
        return float(len(found))

    last = max((o.order_date for o in orders), default=None)
    last_day = float(day_number(last)) if last else None
    recent = sorted(orders, key=lambda o: (o.order_date, o.pk), reverse=True)[:13]
    gaps = [float((a.order_date - b.order_date).days) for a, b in itertools.pairwise(recent)]
    median = _median(gaps) if len(gaps) >= 2 else None
    days_since = t - last_day if last_day is not None else None
    expected = last_day + median if last_day is not None and median is not None else None
    balances = [float(i.amount - i.paid_amount) for i in fact.invoices]
    overdue = [
        float(i.amount - i.paid_amount)
        for i in fact.invoices
        if i.due_on < today and i.amount > i.paid_amount
    ]
    last_activity = max(fact.activities, default=None)
    age = t - float(day_number(fact.customer.created_at.astimezone(tz).date()))
    count = float(len(orders))
    lifetime = revenue(orders)
    return {
        "days_since_last_order": days_since,
        "order_count": count,
        "orders_last_90_days": float(len(window(90, 0))),
        "lifetime_revenue": lifetime,
        "revenue_last_30_days": revenue(window(30, 0)),
        "revenue_last_90_days": revenue(window(90, 0)),
        "revenue_prior_90_days": revenue(window(180, 90)),
        "revenue_same_90_days_last_year": revenue(window(455, 365)),
        "average_order_value": lifetime / count if count else None,
        "median_order_interval_days": median,
        "expected_next_order_date": expected,
        "days_until_expected_order": expected - t if expected is not None else None,
        "overdue_ratio": (days_since / median) if days_since is not None and median else None,
        "balance_due": float(sum(balances)) if balances else 0.0,
        "overdue_balance": float(sum(overdue)) if overdue else 0.0,
        "days_since_last_activity": (
            t - float(day_number(last_activity.astimezone(tz).date())) if last_activity else None
        ),
        "distinct_products_last_90_days": products(window(90, 0)),
        "distinct_products_prior_90_days": products(window(180, 90)),
        "account_type": fact.customer.account_type,
        "status": fact.customer.status,
        "territory": fact.customer.territory,
        "assigned_rep": fact.rep_email,
        "customer_age_days": age,
        "is_new_customer": age <= NEW_CUSTOMER_DAYS,
    }


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


def _not(a: bool | None) -> bool | None:
    return None if a is None else not a


def _cmp(op: str, a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    return {
        "=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b,
    }[op]  # fmt: skip


class Reference:
    """Evaluates a syntax tree for one customer's attributes, as SQL would."""

    def __init__(self, values: dict[str, Any], today: date, metrics: dict[str, n.Node]) -> None:
        self.values = values
        self.today = float(day_number(today))
        self.metrics = metrics

    def eval(self, node: n.Node) -> Any:
        match node:
            case n.Number():
                return float(node.value)
            case n.Duration():
                return float(node.days)
            case n.String() | n.Boolean():
                return node.value
            case n.Today():
                return self.today
            case n.Attribute():
                return self.values[node.name]
            case n.MetricRef():
                return self.eval(self.metrics[node.code])
            case n.Negate():
                value = self.eval(node.operand)
                return None if value is None else 0.0 - value
            case n.Arithmetic():
                a, b = self.eval(node.left), self.eval(node.right)
                if a is None or b is None or (node.op == "/" and b == 0):
                    return None
                return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else None}[node.op]
            case n.Compare():
                if isinstance(node.left, n.Boolean) or isinstance(node.right, n.Boolean):
                    a, b = self.eval(node.left), self.eval(node.right)
                    literal, other = (b, a) if isinstance(node.right, n.Boolean) else (a, b)
                    return other if literal == (node.op == "=") else _not(other)
                return _cmp(node.op, self.eval(node.left), self.eval(node.right))
            case n.InList():
                operand = self.eval(node.operand)
                found: bool | None = False
                for item in node.items:
                    found = _or(found, _cmp("=", operand, self.eval(item)))
                return _not(found) if node.negated else found
            case n.Between():
                operand = self.eval(node.operand)
                low, high = self.eval(node.low), self.eval(node.high)
                inside = _and(_cmp(">=", operand, low), _cmp("<=", operand, high))
                return _not(inside) if node.negated else inside
            case n.IsNull():
                return (self.eval(node.operand) is None) != node.negated
            case n.And():
                return _and(self.eval(node.left), self.eval(node.right))
            case n.Or():
                return _or(self.eval(node.left), self.eval(node.right))
            case n.Not():
                return _not(self.eval(node.operand))
            case n.Call():
                # A function's plain-Python meaning is part of its spec, beside its SQL.
                spec = FUNCTIONS[node.name]
                return spec.evaluate(
                    values=[self.eval(arg) for arg in spec.value_args(node.args)],
                    decimals=spec.decimals_of(node.args),
                )
            case _:
                assert_never(node)
