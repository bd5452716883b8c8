"""Every widget type, one module each; importing this package registers them all."""

from leora.dashboard.widgets import (  # noqa: F401
    activity_summary,
    at_risk_customers,
    customer_balances,
    customers_due,
    new_customers,
    quota_progress,
    revenue_trend,
    tasks_from_management,
    top_products,
    upcoming_events,
)
