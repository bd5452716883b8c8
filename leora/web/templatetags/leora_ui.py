"""Template helpers shared by every page: money, relative dates, navigation state, sortable headers.

{% load leora_ui %}
{% money order.total %}                 money in the tenant's currency ("$1,234.50")
{{ value|money:"EUR" }}                 the same with an explicit currency
{% ago customer.last_order_date %}      <time> with "12 days ago" and the full date as a tooltip
{% nav_current "/customers/" %}         aria-current="page" when the request is under that path
{% sort_header "Name" "name" %}         a <th> whose link sorts by ?sort=name / ?sort=-name
{% account_type_badge customer %}       the account type as a badge
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from leora.pages import url_with
from leora.tenancy.models import Role
from leora.web.formatting import format_date, format_money, relative_day, relative_time

register = template.Library()


def _tenant_tz(context: template.Context) -> tzinfo:
    tenant = context.get("tenant")
    try:
        return zoneinfo.ZoneInfo(tenant.timezone) if tenant is not None else timezone.get_current_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def _currency(context: template.Context) -> str:
    tenant = context.get("tenant")
    return getattr(tenant, "currency", None) or "USD"


@register.simple_tag(takes_context=True)
def money(context: template.Context, amount: Decimal | None, whole: bool = False) -> str:
    """Format ``amount`` in the current tenant's currency."""
    return format_money(amount, _currency(context), whole=whole)


@register.filter(name="money")
def money_filter(amount: Decimal | None, currency: str = "USD") -> str:
    return format_money(amount, currency)


@register.simple_tag(takes_context=True)
def ago(context: template.Context, value: date | datetime | None, empty: str = "—") -> SafeString:
    """Render a <time> element saying how long ago ``value`` was, in the tenant's timezone."""
    if value is None:
        return format_html('<span class="muted">{}</span>', empty)
    tz = _tenant_tz(context)
    now = timezone.now()
    today = now.astimezone(tz).date()
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        text = relative_time(value, now, tz)
        title = f"{format_date(local.date())} {local:%H:%M}"
        iso = local.isoformat(timespec="minutes")
    else:
        text = relative_day(value, today)
        title = format_date(value)
        iso = value.isoformat()
    return format_html('<time datetime="{}" title="{}">{}</time>', iso, title, text)


@register.simple_tag(takes_context=True)
def short_date(context: template.Context, value: date | datetime | None) -> str:
    """Return "14 Nov" (this year) or "14 Nov 2025", in the tenant's timezone for datetimes."""
    if value is None:
        return "—"
    tz = _tenant_tz(context)
    if isinstance(value, datetime):
        value = value.astimezone(tz).date()
    return format_date(value, timezone.now().astimezone(tz).date())


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, path: str, exact: bool = False) -> SafeString:
    request = context.get("request")
    current = getattr(request, "path", "")
    matched = current == path if exact else current.startswith(path)
    return mark_safe('aria-current="page"') if matched else mark_safe("")


@register.filter
def initials(user: Any) -> str:
    name = getattr(user, "display_name", "") or str(user)
    parts = [p for p in name.replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


@register.filter
def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


_ACCOUNT_TYPE_CLASSES = {"ACTIVE": "badge-accent", "TARGET": "badge-outline", "PROSPECT": ""}


@register.simple_tag
def account_type_badge(customer: Any) -> SafeString:
    css = _ACCOUNT_TYPE_CLASSES.get(customer.account_type, "")
    return format_html('<span class="badge {}">{}</span>', css, customer.get_account_type_display())


_STATUS_CLASSES = {"on_hold": "badge-warning", "closed": "badge-muted"}


@register.simple_tag
def customer_status_badge(customer: Any) -> SafeString:
    # Active is the normal state and stays quiet text; only the exceptions draw the eye.
    css = _STATUS_CLASSES.get(customer.status)
    if css is None:
        return format_html('<span class="muted">{}</span>', customer.get_status_display())
    return format_html('<span class="badge {}">{}</span>', css, customer.get_status_display())


@register.simple_tag(takes_context=True)
def sort_header(
    context: template.Context, label: str, field: str, css: str = "", first: str = "asc"
) -> SafeString:
    """A sortable column header: links to ?sort=field (or -field when already ascending).

    The page's current sort is read from the context variable ``sort`` ("name", "-name"). The link
    also carries hx-get, so inside an htmx results region it swaps the table in place.
    ``first="desc"`` starts dates and amounts with the largest first.
    """
    current = context.get("sort") or ""
    request = context["request"]
    if current == field:
        next_sort, aria = f"-{field}", "ascending"
    elif current == f"-{field}":
        next_sort, aria = field, "descending"
    else:
        next_sort, aria = (f"-{field}" if first == "desc" else field), ""
    href = url_with(request, sort=next_sort, page=None)
    icon = "▲" if aria == "ascending" else "▼" if aria == "descending" else "↕"
    aria_attr = format_html(' aria-sort="{}"', aria) if aria else ""
    return format_html(
        '<th scope="col" class="{}"{}><a class="sort" href="{}" hx-get="{}">{}'
        '<span class="sort-icon" aria-hidden="true">{}</span></a></th>',
        css,
        aria_attr,
        href,
        href,
        label,
        icon,
    )
