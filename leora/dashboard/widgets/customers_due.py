"""Customers expected to order soon (``due_to_order``), soonest first, with what they usually order."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from leora.dashboard.widgets.registry import WidgetConfig, WidgetContext, register
from leora.dashboard.widgets.segment import segment_check, segment_data
from leora.metrics.models import CODE_PATTERN


class Config(WidgetConfig):
    limit: int = Field(8, ge=1, le=50, description="how many customers to list")
    metric: str = Field("due_to_order", pattern=CODE_PATTERN, description="any segment metric's code")


@register(
    "customers_due",
    title="Customers due to order",
    description="Accounts whose next order is expected soon: a good moment to call.",
    config=Config,
    check=segment_check,
)
def data(ctx: WidgetContext, config: Config) -> dict[str, Any]:
    return segment_data(ctx, config.metric, config.limit, order_by="attr_expected_next_order_date")
