"""Template helpers of the dashboard's widget templates, which render the JSON-able dict a widget's data
function returns (dates as ISO text, money as strings of cents).

{% load dashboard_ui %}
{{ item.due_date|iso_date }}      the ISO date or date-time text as a date / datetime (None stays None)
{{ item.change_percent|signed }}  "+12%", "-4%", "0%"
{% percent_of part whole %}       part as a whole percentage of whole, None when whole is zero
{{ widget.config|as_json }}          JSON text for a data- attribute (escaped like any value)
{% segment_drilldown code as drill %}  the drilldown behind a segment metric's count ("" for none)
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from leora.dashboard.summary import HEALTH

register = template.Library()

# The drilldown listing each health metric's customers, as the sales summary links them.
_SEGMENT_DRILLDOWNS = {code: drilldown for _key, code, drilldown in HEALTH}


@register.filter
def iso_date(value: str | None) -> date | datetime | None:
    """Return ISO text as a datetime (when it has a time) or a date; None or junk gives None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@register.filter
def signed(value: int | None) -> str:
    """Return a change in percent with its sign ("+12%"), "—" when there is nothing to compare."""
    if value is None:
        return "—"
    return f"+{value}%" if value > 0 else f"{value}%"


@register.simple_tag
def percent_of(part: Any, whole: Any) -> int | None:
    """Return ``part`` as a whole percentage of ``whole`` (money strings or numbers); None for no whole."""
    try:
        total = Decimal(str(whole))
        if not total:
            return None
        return int(Decimal(str(part)) * 100 / total)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.simple_tag
def segment_drilldown(code: str) -> str:
    """Return the drilldown listing the customers of segment metric ``code``, "" when none does."""
    return _SEGMENT_DRILLDOWNS.get(code, "")


@register.filter
def as_json(value: Any) -> str:
    """Return ``value`` as JSON text; the template escapes it like any other attribute value."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
