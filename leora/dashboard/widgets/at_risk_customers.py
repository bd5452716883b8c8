"""Customers of a segment metric (``at_risk_customer`` by default): how many, what they usually spend,
and who they are, most overdue first."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register
from leora.dashboard.widgets.segment import segment_check, segment_data
from leora.metrics.models import CODE_PATTERN


class Config(WidgetConfig):
    limit: int = Field(8, ge=1, le=50, description="how many customers to list")
    metric: str = Field("at_risk_customer", pattern=CODE_PATTERN, description="any segment metric's code")


@register(
    "at_risk_customers",
    title="At-risk customers",
    description="Buyers late against their own rhythm: the count, the revenue at stake and the list.",
    config=Config,
    check=segment_check,
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    return segment_data(ctx, config.metric, config.limit, order_by="-attr_days_since_last_order")
