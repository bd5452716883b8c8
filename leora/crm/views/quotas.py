"""The quotas page, at /quotas/: people as rows and weeks as columns, each cell a weekly revenue target
edited in place, with last week's result beside each person and the two bulk fills (copy last week's
targets, apply one person's target to the weeks after it). Managers see their team, admins everyone;
reps are refused (403). Reads and writes go through the quota selectors and services, as /api/quotas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_POST

from leora.crm.selectors.quotas import QuotaCell, QuotaGrid, quota_grid, quota_list, quota_people
from leora.crm.services.quotas import (
    MAX_WEEKS_FORWARD,
    QuotaBulkResult,
    quota_apply_forward,
    quota_copy_week,
    quota_delete,
    quota_set,
)
from leora.errors import DomainError, Forbidden
from leora.pages import (
    RECORDS_CHANGED,
    actor_of_page,
    add_event,
    add_toast,
    form_add_domain_errors,
    refusals_as_403,
    wants_fragment,
)
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.calendar import tenant_today, week_start
from leora.tenancy.models import Role, User
from leora.web.formatting import format_date, format_money

# The page shows the current week and the next eight; "Earlier" and "Later" move by four weeks.
WEEKS_SHOWN = 9
WEEKS_STEP = 4
# How far the grid may be moved either way, so a hand-edited address cannot ask for another century.
WEEKS_REACHABLE = 260
AMOUNT_HINT = "Enter an amount, such as 5000"
# A currency sign typed before an amount ("$5,000", "€1200").
_AMOUNT_NOISE = re.compile(r"^[^\d.+-]+")


def _leader(request: HttpRequest) -> Actor:
    actor = actor_of_page(request)
    require_role(actor, Role.ADMIN, Role.MANAGER, message="Quotas are set by admins and managers.")
    return actor


def parse_amount(raw: str) -> Decimal | None:
    """Read a target typed into a cell: "" is no target (None); "5,000", "$5000.5" and "5000" are
    amounts held to cents; anything else raises ValueError. Whether the amount is allowed (not
    negative, not too large) is the service's rule."""
    text = raw.strip()
    if not text:
        return None
    text = _AMOUNT_NOISE.sub("", text.replace(",", "").replace(" ", ""))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(AMOUNT_HINT) from None
    if not value.is_finite():
        raise ValueError(AMOUNT_HINT)
    # Held to cents like the API's money fields; an amount too large to hold is left for the
    # service to refuse in its own words.
    return value.quantize(Decimal("0.01")) if value.adjusted() < 15 else value


def _week_param(raw: str | None, current: date) -> date:
    """The first week shown: the Monday of ``raw`` (an ISO date) within reach, else the current week."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return current
    monday = week_start(day)
    if abs((monday - current).days) > WEEKS_REACHABLE * 7:
        return current
    return monday


def _week_label(week: date, current: date) -> str:
    if week == current:
        return "This week"
    if week == current + timedelta(weeks=1):
        return "Next week"
    if week == current - timedelta(weeks=1):
        return "Last week"
    return ""


@dataclass(frozen=True)
class CellView:
    """A cell as the page shows it: the typed value and its error after a refused save."""

    cell: QuotaCell
    person: User
    value: str
    hint: str
    error: str = ""

    @property
    def dom_id(self) -> str:
        return f"quota-cell-{self.cell.user_id}-{self.cell.week_start:%Y%m%d}"

    @property
    def input_id(self) -> str:
        return f"quota-{self.cell.user_id}-{self.cell.week_start:%Y%m%d}"


@dataclass(frozen=True)
class WeekColumn:
    week: date
    label: str
    is_past: bool
    is_current: bool


@dataclass(frozen=True)
class RowView:
    person: User
    cells: list[CellView]
    last_week: QuotaCell


def _target_text(cell: QuotaCell) -> str:
    """The target as typed into a cell: "5000", or "5000.50" when it has cents."""
    target = cell.target
    if target is None:
        return ""
    return f"{target:.0f}" if target == target.to_integral_value() else f"{target:.2f}"


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _hint(cell: QuotaCell, current: date, currency: str) -> str:
    """What a week that has begun brought in, for the cell's hint ("$4,210.00 so far · 65%")."""
    if cell.revenue is None:
        return ""
    text = format_money(cell.revenue, currency, whole=True)
    if cell.week_start == current:
        text += " so far"
    if cell.attainment is not None:
        text += f" · {cell.attainment}%"
    return text


def _cell_view(
    cell: QuotaCell, person: User, current: date, currency: str, typed: tuple[str, str] | None = None
) -> CellView:
    hint = _hint(cell, current, currency)
    if typed is not None:
        return CellView(cell=cell, person=person, value=typed[0], hint=hint, error=typed[1])
    return CellView(cell=cell, person=person, value=_target_text(cell), hint=hint)


def _grid_url(first: date, current: date) -> str:
    here = reverse("quota_list")
    return here if first == current else f"{here}?from={first.isoformat()}"


def _grid_context(
    actor: Actor, grid: QuotaGrid, errors: dict[tuple[int, date], tuple[str, str]] | None = None
) -> dict[str, Any]:
    errors = errors or {}
    current, first, currency = grid.current_week, grid.weeks[0], actor.tenant.currency
    rows = [
        RowView(
            person=row.person,
            cells=[
                _cell_view(cell, row.person, current, currency, errors.get((cell.user_id, cell.week_start)))
                for cell in row.cells
            ],
            last_week=row.last_week,
        )
        for row in grid.rows
    ]
    last_day = grid.weeks[-1] + timedelta(days=6)
    return {
        "grid": grid,
        "rows": rows,
        "columns": [
            WeekColumn(week=w, label=_week_label(w, current), is_past=w < current, is_current=w == current)
            for w in grid.weeks
        ],
        "first_week": first,
        "grid_url": _grid_url(first, current),
        "earlier_url": _grid_url(first - timedelta(weeks=WEEKS_STEP), current),
        "later_url": _grid_url(first + timedelta(weeks=WEEKS_STEP), current),
        "current_url": _grid_url(current, current) if first != current else "",
        "range_text": f"{format_date(first, current)} to {format_date(last_day, current)}",
    }


def _week_choices(current: date) -> list[tuple[date, str]]:
    """Weeks a bulk form may start from: last week, this week and the next eight."""
    weeks = [current + timedelta(weeks=n) for n in range(-1, WEEKS_SHOWN)]
    return [(w, f"{_week_label(w, current) or 'Week of'} {format_date(w, current)}".strip()) for w in weeks]


class QuotaCopyForm(forms.Form):
    """Copy the targets of the week before ``to_week`` into it."""

    to_week = forms.DateField(label="Copy into")
    replace = forms.BooleanField(required=False, label="Replace targets already set")


class QuotaApplyForm(forms.Form):
    """Apply one person's target of ``from_week`` to the ``weeks`` weeks after it."""

    user = forms.IntegerField(label="Person")
    from_week = forms.DateField(label="Target of the week of")
    weeks = forms.IntegerField(label="Next weeks")
    replace = forms.BooleanField(required=False, label="Replace targets already set")


def _forms_context(
    actor: Actor,
    current: date,
    copy_form: QuotaCopyForm | None = None,
    apply_form: QuotaApplyForm | None = None,
    people: list[User] | None = None,
) -> dict[str, Any]:
    next_week = current + timedelta(weeks=1)
    return {
        "copy_form": copy_form or QuotaCopyForm(initial={"to_week": next_week}),
        "apply_form": apply_form or QuotaApplyForm(initial={"from_week": current, "weeks": 4}),
        "copy_choices": [
            (current, f"This week ({format_date(current, current)}), from last week"),
            (next_week, f"Next week ({format_date(next_week, current)}), from this week"),
        ],
        "week_choices": _week_choices(current),
        "people": list(quota_people(actor=actor)) if people is None else people,
        "max_weeks": MAX_WEEKS_FORWARD,
        "weeks_hint": f"How many weeks after that week get the same target (1 to {MAX_WEEKS_FORWARD}).",
    }


def _page_context(
    actor: Actor,
    first: date,
    errors: dict[tuple[int, date], tuple[str, str]] | None = None,
    **forms_given: Any,
) -> dict[str, Any]:
    today = tenant_today(actor.tenant)
    grid = quota_grid(actor=actor, first_week=first, weeks=WEEKS_SHOWN, today=today)
    return {
        **_grid_context(actor, grid, errors),
        **_forms_context(actor, grid.current_week, people=[row.person for row in grid.rows], **forms_given),
    }


@login_required
@refusals_as_403
@require_GET
def quota_list_page(request: HttpRequest) -> HttpResponse:
    actor = _leader(request)
    current = week_start(tenant_today(actor.tenant))
    first = _week_param(request.GET.get("from"), current)
    if wants_fragment(request):
        # Week navigation and a refresh after a bulk fill swap only the grid.
        grid = quota_grid(actor=actor, first_week=first, weeks=WEEKS_SHOWN, today=tenant_today(actor.tenant))
        return render(request, "crm/quotas/_grid.html", _grid_context(actor, grid))
    return render(request, "crm/quotas/index.html", _page_context(actor, first))


def _first_error(exc: DomainError) -> str:
    return exc.errors[0].message if exc.errors else exc.detail


@login_required
@refusals_as_403
@require_POST
def quota_cell_save(request: HttpRequest) -> HttpResponse:
    """Save one cell: an amount sets the target, an empty cell removes it. An htmx request gets the
    cell back (422 with the typed value and the error when refused); a plain form post returns to the
    page with a message."""
    actor = _leader(request)
    raw_user, raw_week = request.POST.get("user_id", ""), request.POST.get("week_start", "")
    if not raw_user.isdigit():
        return HttpResponse("user_id: choose a person", status=422, content_type="text/plain")
    try:
        week = date.fromisoformat(raw_week)
    except ValueError:
        return HttpResponse("week_start: give the week's Monday", status=422, content_type="text/plain")
    person = quota_people(actor=actor, user_ids={int(raw_user)}).filter(pk=int(raw_user)).first()
    if person is None:
        raise Http404("No such person in your team")
    raw = request.POST.get("revenue_target", "")
    error, text = "", ""
    try:
        amount = parse_amount(raw)
        if amount is None:
            existing = quota_list(
                actor=actor, user_id=person.pk, week_start_from=week, week_start_to=week
            ).first()
            if existing is not None:
                quota_delete(actor=actor, quota=existing)
            text = f"Cleared {person.display_name}'s target for the week of {format_date(week)}."
        else:
            quota_set(actor=actor, user_id=person.pk, week_start=week, revenue_target=amount)
            shown = format_money(amount, actor.tenant.currency)
            text = f"Saved {person.display_name}'s target for the week of {format_date(week)}: {shown}."
    except ValueError as exc:
        error = str(exc)
    except Forbidden:
        raise
    except DomainError as exc:
        error = _sentence(_first_error(exc))
    today = tenant_today(actor.tenant)
    current = week_start(today)
    typed = (raw, error) if error else None
    if not wants_fragment(request):
        first = _week_param(request.POST.get("from"), current)
        if typed is not None:
            errors = {(person.pk, week): typed}
            return render(
                request, "crm/quotas/index.html", _page_context(actor, first, errors=errors), status=422
            )
        messages.success(request, text)
        return redirect(_grid_url(first, current))
    grid = quota_grid(actor=actor, first_week=week, weeks=1, today=today)
    row = next(r for r in grid.rows if r.person.pk == person.pk)
    context = {
        "cell": _cell_view(row.cells[0], person, current, actor.tenant.currency, typed),
        "row_last_week": row.last_week if week == grid.last_week else None,
        "person": person,
        "total": grid.totals[0],
        "status_text": f"{person.display_name}, week of {format_date(week)}: {error}." if error else text,
    }
    return render(request, "crm/quotas/_cell_saved.html", context, status=422 if error else 200)


def _bulk_text(result: QuotaBulkResult) -> str:
    text = f"{result.written} target{'s' if result.written != 1 else ''} set"
    if result.kept:
        text += f"; {result.kept} already set kept"
    return text + "."


def _bulk_answer(
    request: HttpRequest,
    actor: Actor,
    template: str,
    result: QuotaBulkResult | None,
    **forms_given: Any,
) -> HttpResponse:
    current = week_start(tenant_today(actor.tenant))
    if result is not None and not wants_fragment(request):
        messages.success(request, _bulk_text(result))
        return redirect("quota_list")
    if result is None and not wants_fragment(request):
        return render(
            request, "crm/quotas/index.html", _page_context(actor, current, **forms_given), status=422
        )
    context = _forms_context(actor, current, **({} if result is not None else forms_given))
    response = render(request, template, context, status=200 if result is not None else 422)
    if result is not None:
        add_event(response, RECORDS_CHANGED)
        add_toast(response, _bulk_text(result))
    return response


@login_required
@refusals_as_403
@require_POST
def quota_copy(request: HttpRequest) -> HttpResponse:
    """Copy last week's targets into this week, or this week's into next week."""
    actor = _leader(request)
    form = QuotaCopyForm(request.POST)
    result = None
    if form.is_valid():
        to_week = form.cleaned_data["to_week"]
        try:
            result = quota_copy_week(
                actor=actor,
                from_week=to_week - timedelta(weeks=1),
                to_week=to_week,
                replace=form.cleaned_data["replace"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of={"from_week": "to_week"})
    return _bulk_answer(request, actor, "crm/quotas/_copy_form.html", result, copy_form=form)


@login_required
@refusals_as_403
@require_POST
def quota_apply(request: HttpRequest) -> HttpResponse:
    """Apply one person's target of a week to the weeks after it."""
    actor = _leader(request)
    form = QuotaApplyForm(request.POST)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = quota_apply_forward(
                actor=actor,
                user_id=data["user"],
                from_week=data["from_week"],
                weeks=data["weeks"],
                replace=data["replace"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of={"user_id": "user"}, forbidden_field="user")
    return _bulk_answer(request, actor, "crm/quotas/_apply_form.html", result, apply_form=form)


urlpatterns: list[URLPattern] = [
    path("quotas/", quota_list_page, name="quota_list"),
    path("quotas/cell/", quota_cell_save, name="quota_cell_save"),
    path("quotas/copy/", quota_copy, name="quota_copy"),
    path("quotas/apply/", quota_apply, name="quota_apply"),
]
