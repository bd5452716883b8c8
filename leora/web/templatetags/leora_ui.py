"""Template helpers shared by every page: money, relative dates, navigation state, sortable headers,
form fields.

{% load leora_ui %}
{% money order.total %}                 money in the tenant's currency ("$1,234.50")
{{ value|money:"EUR" }}                 the same with an explicit currency
{% ago customer.last_order_date %}      <time> with "12 days ago" and the full date as a tooltip
{% short_date customer.created_at %}    "7 Aug" this year, "7 Aug 2025" otherwise; weekday=True: "Thu 7 Aug"
{% date_time activity.occurred_at %}    "7 Aug, 14:05" (the year too when it is not this year)
                                        Dates on every page go through these three, in the tenant's
                                        timezone; never a raw |date filter for text people read.
{% nav_current "customer_list" %}       aria-current="page" when the request is under that page's URL
{% sort_header "Name" "name" %}         a <th> whose link sorts by ?sort=name / ?sort=-name
{% account_type_badge customer %}       the account type as a tag; {% customer_status_badge customer %}
                                        the account status as a dot and a word (never alike)
{% field form.title label="Title" %}    a form field: label, the form's widget, help text, inline error
{% field form.customer label="Customer" optional=True %}
  <select id="{{ field.id }}" name="{{ field.name }}" class="select" {{ field.aria }}>…</select>
{% endfield %}                          the same wrapper around a control written by hand (htmx attributes,
                                        options from the view); ``field.aria`` holds aria-invalid and
                                        aria-describedby for the control
{% field id="import-file" label="File" %}<input id="{{ field.id }}" …>{% endfield %}
                                        a field that is no form's: errors come from ``errors=``

Every labelled input of a page goes through ``{% field %}``, so the label, hint and error markup
(components/field.html) and the ids that tie them together exist once. Its arguments:

  (first, optional)  a BoundField: gives the id, name, label and errors
  label="…"          the label text; optional=True adds a quiet "(optional)"
  help="…"           a hint under the control, named by aria-describedby
  errors=…           a message or a list of them, for fields that are no form's (a form field's own
                     errors are used otherwise); the control gets aria-invalid="true"
  client_errors=True an empty hidden error line that a script fills in (the metric editor)
  id="…" name="…"    override the bound field's, or name a field that is no form's
  class="…"          more classes on the wrapper ("toolbar-search", "only-mobile")
  indicator="…"      id of an htmx spinner shown inside the label while a request runs
  anything else      attributes of the default widget: placeholder="…", type="datetime-local",
                     autocomplete="off", autofocus=True (True adds the bare attribute, False omits it)

A ``{% field %}`` has a body when an ``{% endfield %}`` comes before the next ``{% field %}``
(fields never nest). Ids: a form field's hint and error are ``hint-<name>`` and ``error-<name>``;
a field that is no form's uses ``<id>-hint`` and ``<id>-error``.
"""

from __future__ import annotations

import copy
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from django import forms, template
from django.forms.widgets import Input
from django.template.base import FilterExpression, NodeList, Parser, Token, TokenType, token_kwargs
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from leora.pages import url_with
from leora.tenancy.models import Role
from leora.web.formatting import (
    format_clock,
    format_date,
    format_date_time,
    format_money,
    relative_day,
    relative_time,
)

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
        title = f"{format_date(local.date())}, {local:%H:%M}"
        iso = local.isoformat(timespec="minutes")
    else:
        text = relative_day(value, today)
        title = format_date(value)
        iso = value.isoformat()
    return format_html('<time datetime="{}" title="{}">{}</time>', iso, title, text)


@register.simple_tag(takes_context=True)
def short_date(context: template.Context, value: date | datetime | None, weekday: bool = False) -> str:
    """Return "14 Nov" (this year) or "14 Nov 2025", in the tenant's timezone for datetimes.

    ``weekday=True`` names the day first: "Fri 14 Nov".
    """
    if value is None:
        return "—"
    tz = _tenant_tz(context)
    if isinstance(value, datetime):
        value = value.astimezone(tz).date()
    return format_date(value, timezone.now().astimezone(tz).date(), weekday=weekday)


@register.simple_tag(takes_context=True)
def date_time(context: template.Context, value: datetime | None, weekday: bool = False) -> str:
    """Return "14 Nov, 09:30" (or "14 Nov 2025, 09:30") in the tenant's timezone; "—" for None."""
    if value is None:
        return "—"
    tz = _tenant_tz(context)
    return format_date_time(value.astimezone(tz), timezone.now().astimezone(tz).date(), weekday=weekday)


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, url_name: str, exact: bool = False) -> SafeString:
    """Return aria-current="page" when the request is at (``exact``) or under the named page's URL."""
    path = reverse(url_name)
    request = context.get("request")
    current = getattr(request, "path", "")
    matched = current == path if exact else current.startswith(path)
    return mark_safe('aria-current="page"') if matched else mark_safe("")


@register.filter
def clock(value: time | datetime | None) -> str:
    """Return a time of day as "09:30" (also what a time input's value takes); "" for None."""
    return "" if value is None else format_clock(value)


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


# An account type (prospect, target, active) and an account status (active, on hold, closed) can both
# read "Active", so they never look alike: a type is a square-cornered tag, a status a dot and a word.
_ACCOUNT_TYPE_CLASSES = {"ACTIVE": "tag-accent", "TARGET": "tag-outline", "PROSPECT": ""}


@register.simple_tag
def account_type_badge(customer: Any) -> SafeString:
    """Render the account type as a tag ("Active", "Target", "Prospect") titled "Account type: …"."""
    label = customer.get_account_type_display()
    css = _ACCOUNT_TYPE_CLASSES.get(customer.account_type, "")
    return format_html('<span class="tag {}" title="Account type: {}">{}</span>', css, label, label)


@register.simple_tag
def customer_status_badge(customer: Any) -> SafeString:
    """Render the account status as a dot and a word; active stays quiet, the exceptions draw the eye."""
    label = customer.get_status_display()
    return format_html(
        '<span class="status-dot status-{}" title="Account status: {}">{}</span>',
        customer.status.replace("_", "-"),
        label,
        label,
    )


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


# Arguments of {% field %} that shape the wrapper; any other keyword is an attribute of the widget.
_FIELD_OPTIONS = frozenset(
    {"label", "help", "errors", "client_errors", "id", "name", "class", "indicator", "optional"}
)
_WIDGET_CLASSES = ((forms.Select, "select"), (forms.SelectMultiple, "select"), (forms.Textarea, "textarea"))


@dataclass(frozen=True)
class FieldParts:
    """What the body of a ``{% field %}`` block sees as ``field``."""

    id: str
    name: str
    errors: list[str]
    aria: SafeString


def _has_body(parser: Parser) -> bool:
    # Parser.tokens holds the rest of the template in reverse: look at what comes next, in order.
    tokens: list[Token] = parser.tokens  # type: ignore[assignment]
    for token in reversed(tokens):
        if token.token_type is not TokenType.BLOCK:
            continue
        tag = token.contents.split(maxsplit=1)[0] if token.contents else ""
        if tag == "endfield":
            return True
        if tag == "field":
            return False
    return False


@register.tag("field")
def field_tag(parser: Parser, token: Token) -> FieldNode:
    """Parse ``{% field [bound_field] key=value … %}``, with or without a body up to ``{% endfield %}``."""
    bits = token.split_contents()[1:]
    bound = parser.compile_filter(bits.pop(0)) if bits and "=" not in bits[0] else None
    options = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError(f"{{% field %}} takes key=value arguments, not {bits[0]!r}")
    body: NodeList | None = None
    if _has_body(parser):
        body = parser.parse(("endfield",))
        parser.delete_first_token()
        widget_attrs = set(options) - _FIELD_OPTIONS
        if widget_attrs:
            raise template.TemplateSyntaxError(
                f"{{% field %}} with a body writes its own control; {sorted(widget_attrs)} do nothing"
            )
    elif bound is None:
        raise template.TemplateSyntaxError("{% field %} without a form field needs a body")
    return FieldNode(bound, options, body)


def _error_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(message) for message in value]


class FieldNode(template.Node):
    def __init__(
        self, bound: FilterExpression | None, options: dict[str, FilterExpression], body: NodeList | None
    ) -> None:
        self.bound = bound
        self.options = options
        self.body = body

    def render(self, context: template.Context) -> str:
        values = {key: value.resolve(context) for key, value in self.options.items()}
        bound = self.bound.resolve(context) if self.bound is not None else None
        if bound is not None and not isinstance(bound, forms.BoundField):
            raise template.TemplateSyntaxError(f"{{% field %}} expected a form field, got {bound!r}")
        field_id = str(values.pop("id", "") or (bound.id_for_label if bound is not None else ""))
        name = str(values.pop("name", "") or (bound.html_name if bound is not None else ""))
        label = values.pop("label", None)
        if label is None and bound is not None:
            label = bound.label
        help_text = values.pop("help", "")
        client_errors = bool(values.pop("client_errors", False))
        if "errors" in values:
            errors = _error_list(values.pop("errors"))
        else:
            errors = _error_list(bound.errors if bound is not None else None)
        if bound is not None:
            help_id, error_id = f"hint-{name}", f"error-{name}"
        else:
            help_id, error_id = f"{field_id}-hint", f"{field_id}-error"
        described = [help_id] if help_text else []
        if errors or client_errors:
            described.append(error_id)
        aria_attrs: dict[str, str] = {}
        if errors:
            aria_attrs["aria-invalid"] = "true"
        if described:
            aria_attrs["aria-describedby"] = " ".join(described)
        wrapper = {key: values.pop(key, "") for key in ("class", "indicator", "optional")}

        if self.body is not None:
            parts = FieldParts(
                id=field_id,
                name=name,
                errors=errors,
                aria=format_html_join(" ", '{}="{}"', aria_attrs.items()),
            )
            with context.push(field=parts):
                control = self.body.render(context)
        else:
            assert bound is not None
            control = _default_widget(bound, field_id, {**values, **aria_attrs})
        return render_to_string(
            "components/field.html",
            {
                "id": field_id,
                "label": label,
                "control": control,
                "help": help_text,
                "help_id": help_id,
                "errors": errors,
                "error_id": error_id,
                "client_errors": client_errors,
                **wrapper,
            },
        )


def _default_widget(bound: forms.BoundField, field_id: str, attrs: dict[str, Any]) -> SafeString:
    """Render the form's own widget with our control classes and the given attributes."""
    widget = bound.field.widget
    css = next((name for kind, name in _WIDGET_CLASSES if isinstance(widget, kind)), "input")
    attrs = {"class": css, **attrs, "id": field_id}
    input_type = attrs.pop("type", None)
    if input_type is not None and isinstance(widget, Input):
        # The input type is a property of the widget, not an attribute: set it on a copy.
        widget = copy.copy(widget)
        widget.input_type = str(input_type)
    return bound.as_widget(widget=widget, attrs=attrs)
