"""The calendar page: upcoming events as an agenda grouped by day, a Monday-to-Sunday week in the
tenant's time zone, and a form to add an event. A rep sees their own calendar, a manager their team's
(or only their own on request), an admin the whole tenant's. Reads and writes go through the same
selectors and services as /api/events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from leora.crm.models import CalendarEvent
from leora.crm.selectors.events import event_list
from leora.crm.services.events import event_create
from leora.crm.views.tasks import customer_choices
from leora.errors import DomainError
from leora.pages import actor_of_page, form_add_domain_errors, render_page, url_with
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_midnight, tenant_today, week_start
from leora.tenancy.selectors.members import assignable_people
from leora.web.formatting import format_date

AGENDA_DAYS = 14
# A busy team's fortnight is a few hundred events; past that the week view is the better tool.
AGENDA_LIMIT = 300
WEEK_LIMIT = 500
EN_DASH = " \u2013 "
FORM_FIELD_OF = {"user_id": "user", "customer_id": "customer"}


def day_label(day: date, today: date) -> str:
    """Return "Today", "Tomorrow" or "Wed 3 Dec" ("Fri 1 Jan 2027" in another year) for an agenda heading."""
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return format_date(day, today, weekday=True)


@dataclass(frozen=True)
class EventView:
    """One event as the page shows it, its times already in the tenant's time zone."""

    event: CalendarEvent
    starts: datetime
    ends: datetime

    @property
    def time_label(self) -> str:
        """Return "10:00 to 11:30" joined by an en dash, naming the end's day when it is another day."""
        if self.starts.date() != self.ends.date():
            return f"{self.starts:%H:%M}{EN_DASH}{self.ends:%a} {self.ends:%H:%M}"
        if self.starts == self.ends:
            return f"{self.starts:%H:%M}"
        return f"{self.starts:%H:%M}{EN_DASH}{self.ends:%H:%M}"


@dataclass(frozen=True)
class Day:
    day: date
    label: str
    is_today: bool
    events: list[EventView]


def _views(actor: Actor, events: list[CalendarEvent]) -> list[EventView]:
    tz = actor.tenant.tzinfo
    return [
        EventView(event=e, starts=e.starts_at.astimezone(tz), ends=e.ends_at.astimezone(tz)) for e in events
    ]


class EventForm(forms.Form):
    """The page's "Add an event" form; times are read in the tenant's time zone."""

    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(label="Starts")
    ends_at = forms.DateTimeField(label="Ends")
    user = forms.IntegerField(required=False, label="Whose calendar")
    customer = forms.IntegerField(required=False)
    location = forms.CharField(max_length=200, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _parse_week(request: HttpRequest, today: date) -> date:
    try:
        return week_start(date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        return week_start(today)


def _calendar_context(request: HttpRequest, actor: Actor, form: EventForm | None = None) -> dict[str, Any]:
    """The week, the agenda and the form of the calendar page."""
    leads_people = actor.leads_people
    scope = request.GET.get("scope", "team") if leads_people else "mine"
    scope = scope if scope in {"mine", "team"} else "team"
    user_id = actor.user.pk if scope == "mine" else None
    today = tenant_today(actor.tenant)
    monday = _parse_week(request, today)

    week_events = event_list(
        actor=actor,
        user_id=user_id,
        starts_from=tenant_midnight(actor.tenant, monday),
        starts_to=tenant_midnight(actor.tenant, monday + timedelta(days=7)),
    ).order_by("starts_at", "pk")[:WEEK_LIMIT]
    by_day: dict[date, list[EventView]] = {}
    for view in _views(actor, list(week_events)):
        by_day.setdefault(view.starts.date(), []).append(view)
    week = [
        Day(day=d, label=f"{d:%a} {d.day}", is_today=d == today, events=by_day.get(d, []))
        for d in (monday + timedelta(days=n) for n in range(7))
    ]

    agenda_events = event_list(
        actor=actor,
        user_id=user_id,
        starts_from=tenant_midnight(actor.tenant, today),
        starts_to=tenant_midnight(actor.tenant, today + timedelta(days=AGENDA_DAYS)),
    ).order_by("starts_at", "pk")[:AGENDA_LIMIT]
    agenda: dict[date, list[EventView]] = {}
    for view in _views(actor, list(agenda_events)):
        agenda.setdefault(view.starts.date(), []).append(view)

    return {
        "week": week,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "prev_url": url_with(request, week=(monday - timedelta(days=7)).isoformat()),
        "next_url": url_with(request, week=(monday + timedelta(days=7)).isoformat()),
        "this_week_url": url_with(request, week=None),
        "is_this_week": monday == week_start(today),
        "agenda": [
            Day(day=d, label=day_label(d, today), is_today=d == today, events=v) for d, v in agenda.items()
        ],
        "agenda_days": AGENDA_DAYS,
        "scope": scope,
        "show_owner": scope == "team",
        "scope_urls": {"team": url_with(request, scope=None), "mine": url_with(request, scope="mine")},
        "leads_people": leads_people,
        "people": list(assignable_people(actor=actor)) if leads_people else [],
        "customers": customer_choices(actor),
        "form": form or EventForm(),
        "timezone_name": actor.tenant.timezone,
    }


@login_required
@require_GET
def calendar_index(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    return render_page(
        request,
        "crm/calendar/index.html",
        _calendar_context(request, actor),
        fragment="crm/calendar/_week.html",
    )


@login_required
@require_POST
def event_new(request: HttpRequest) -> HttpResponse:
    """Add an event from the page's form; on bad input show the page again with inline errors (422)."""
    actor = actor_of_page(request)
    form = EventForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = event_create(
                actor=actor,
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                user_id=data["user"],
                customer_id=data["customer"],
                location=data["location"],
                notes=data["notes"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF, forbidden_field="user")
        else:
            starts = event.starts_at.astimezone(actor.tenant.tzinfo)
            messages.success(request, f"“{event.title}” added on {starts:%a} {starts.day} {starts:%b}.")
            return redirect(f"{reverse('calendar')}?week={week_start(starts.date()).isoformat()}")
    context = _calendar_context(request, actor, form=form)
    context["form_open"] = True
    return render(request, "crm/calendar/index.html", context, status=422)


urlpatterns = [
    path("calendar/", calendar_index, name="calendar"),
    path("calendar/new/", event_new, name="event_new"),
]
