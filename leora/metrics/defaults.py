"""Ready-made definitions for beverage distributors: the template gallery and every tenant's defaults.

The thresholds follow common practice in the trade (see docs/metrics.md); admins change them per tenant.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class MetricTemplate:
    code: str
    name: str
    kind: str
    formula: str
    description: str
    unit: str = ""
    format: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


TEMPLATES: list[MetricTemplate] = [
    MetricTemplate(
        "at_risk_customer",
        "At-risk customer",
        "segment",
        "order_count >= 3 and overdue_ratio >= 1.5 and overdue_ratio < 3",
        "An active buyer whose next order is overdue against their own cadence: at least 1.5 and under 3 "
        "of their usual intervals since the last order (from 3 on, the customer is dormant).",
    ),
    MetricTemplate(
        "dormant_customer",
        "Dormant customer",
        "segment",
        "order_count >= 1 and (days_since_last_order >= 90 days or overdue_ratio >= 3)",
        "Has ordered before but not for 90 days or more, or is three or more cycles late.",
    ),
    MetricTemplate(
        "healthy_customer",
        "Healthy customer",
        "segment",
        "order_count >= 3 and overdue_ratio <= 1.25",
        "Orders on their usual rhythm: at most a quarter of a cycle late.",
    ),
    MetricTemplate(
        "due_to_order",
        "Due to order",
        "segment",
        "days_until_expected_order between 0 days and max(7 days, 0.2 * median_order_interval_days)",
        "The next order is expected within 7 days (or a fifth of the usual interval, if longer): "
        "a good moment to call.",
    ),
    MetricTemplate(
        "declining_revenue",
        "Declining revenue",
        "segment",
        "revenue_prior_90_days > 0 and (revenue_last_90_days <= 0.75 * revenue_prior_90_days "
        "or revenue_last_90_days < revenue_same_90_days_last_year)",
        "Revenue of the last 90 days is at least 25% below the 90 days before, or below the same "
        "season last year.",
    ),
    MetricTemplate(
        "contacted_recently",
        "Contacted recently",
        "segment",
        "days_since_last_activity <= 14 days",
        "A call, visit, tasting, email or note in the last two weeks.",
    ),
    MetricTemplate(
        "high_value_customer",
        "High-value customer",
        "segment",
        "revenue_last_90_days >= 5000 or lifetime_revenue >= 50000",
        "Bought 5,000 or more in the last 90 days, or 50,000 over their lifetime.",
    ),
    MetricTemplate(
        "overdue_balance",
        "Overdue balance",
        "segment",
        "overdue_balance > 0",
        "Has invoices past their due date that are not fully paid.",
    ),
    MetricTemplate(
        "new_customer",
        "New customer",
        "segment",
        "is_new_customer",
        "Created in the last 90 days.",
    ),
    MetricTemplate(
        "prospect_without_activity",
        "Prospect without activity",
        "segment",
        "account_type in ['PROSPECT', 'TARGET'] and order_count = 0 "
        "and (days_since_last_activity is null or days_since_last_activity > 30 days)",
        "A prospect or target that nobody has contacted in the last 30 days.",
    ),
    MetricTemplate(
        "lapsed_customer",
        "Lapsed customer",
        "segment",
        "order_count >= 1 and days_since_last_order > 180 days",
        "Has not ordered for more than six months.",
    ),
    MetricTemplate(
        "narrowing_product_mix",
        "Narrowing product mix",
        "segment",
        "distinct_products_prior_90_days >= 4 "
        "and distinct_products_last_90_days <= 0.6 * distinct_products_prior_90_days",
        "Buys at most 60% of the different products they bought in the 90 days before.",
    ),
    MetricTemplate(
        "active_account",
        "Active account",
        "segment",
        "order_count >= 1 and days_since_last_order < 90 days and coalesce(overdue_ratio, 0) < 3",
        "Ordering: an order in the last 90 days and under three usual intervals late (not dormant). "
        "The daily account-type run marks these ACTIVE.",
    ),
    MetricTemplate(
        "target_account",
        "Target account",
        "segment",
        "order_count >= 1 or account_type = 'TARGET'",
        "A lapsed account (has ordered but is not active) or a prospect the team marked as a target. "
        "The daily account-type run marks these TARGET unless they are active.",
    ),
    MetricTemplate(
        "health_score",
        "Health score",
        "value",
        "round(min(100, max(0, 100 - 30 * min(coalesce(overdue_ratio, 1), 3) "
        "- 20 * min(overdue_balance / 1000, 1) "
        "- 10 * min(coalesce(days_since_last_activity, 60 days) / 60 days, 1) "
        "+ 20 * min(revenue_last_90_days / max(revenue_prior_90_days, 1), 1))))",
        "0 to 100: a blend of cadence (overdue ratio), overdue balance, contact recency and revenue trend.",
        unit="points",
        format="0",
    ),
    MetricTemplate(
        "days_overdue",
        "Days overdue",
        "value",
        "max(0 days, 0 days - days_until_expected_order)",
        "How many days past the expected next order the customer is (0 when not yet due).",
        unit="days",
        format="0",
    ),
]

TEMPLATES_BY_CODE = {t.code: t for t in TEMPLATES}
