"""The call plan pages: the week board (proposal beside the five working days) and the phone's Today.

Every change on the board posts to one endpoint per item (``callplan_item_change``) through the same
``item_update`` the API uses, and answers the re-rendered board; the drag script posts the same form
fields. Reads go through the selectors, so a rep never sees another rep's plan (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from leora.callplan.models import IN_PERSON_ACTIONS, CallPlanItem, PlanAction
from leora.callplan.route import legs, point_of
from leora.callplan.selectors import (
    WORKING_DAYS,
    contacted_ids,
    day_items,
    item_get,
    parse_week,
    plan_get,
    plan_items,
    plan_person,
    plan_totals,
    rep_settings,
)
from leora.callplan.services import day_route_order, item_update, plan_generate_request
from leora.callplan.team import team_people
from leora.errors import DomainError, InvalidInput, NotFound
from leora.jobs.models import Job, JobStatus
from leora.pages import actor_of_page, add_toast, render_page, wants_fragment
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today, week_bounds, week_start
from leora.tenancy.models import User
from leora.web.formatting import format_date


@dataclass(frozen=True)
class Stop:
    """An item on a day, with its place in the day and the straight-line leg that leads to it."""

    item: CallPlanItem
    number: int
    km: float | None
    done: bool
    map_url: str

    @property
    def in_person(self) -> bool:
        return self.item.action in IN_PERSON_ACTIONS


@dataclass(frozen=True)
class DayColumn:
    day: date
    label: str
    is_today: bool
    stops: list[Stop]
    capacity: int

    @property
    def over(self) -> bool:
        return len(self.stops) > self.capacity

    @property
    def km(self) -> float:
        return sum(stop.km or 0 for stop in self.stops)


def map_url(item: CallPlanItem) -> str:
    """A link that opens the account in the phone's map app: Google's documented cross-platform Maps
    URL (the app on Android and iOS when installed, the browser otherwise; geo: does nothing on iOS)."""
    customer = item.customer
    if customer.latitude is not None and customer.longitude is not None:
        query = f"{customer.latitude},{customer.longitude}"
    else:
        query = ", ".join(p for p in (customer.name, customer.address) if p)
    return f"https://www.google.com/maps/search/?api=1&query={quote(query)}"


def stops_of(
    items: list[CallPlanItem], day: date, start: tuple[float, float] | None, contacted: dict[int, set[date]]
) -> list[Stop]:
    """A day's stops in order, each with its leg from the previous in-person stop (or the start)."""
    ordered = day_items(items, day)
    points = [
        point_of(i.customer.latitude, i.customer.longitude) if i.action in IN_PERSON_ACTIONS else None
        for i in ordered
    ]
    out = legs(start, points)
    return [
        Stop(
            item=item,
            number=n,
            km=out[n - 1].km,
            done=bool(item.completed_at) or day in contacted.get(item.customer_id, set()),
            map_url=map_url(item),
        )
        for n, item in enumerate(ordered, start=1)
    ]


def _person(actor: Actor, request: HttpRequest) -> User:
    raw = request.GET.get("user_id") or request.POST.get("user_id") or ""
    try:
        return plan_person(actor=actor, user_id=int(raw) if raw.isdigit() else None)
    except NotFound:
        raise Http404("No such person in your team") from None


def _monday(week: str) -> date:
    try:
        return parse_week(week)
    except DomainError:
        raise Http404("No such week") from None


def _generating(actor: Actor, person: User, monday: date) -> bool:
    return (
        Job.objects.filter(
            tenant=actor.tenant,
            type="callplan_generate",
            idempotency_key=f"callplan:{person.pk}:{monday.isoformat()}",
            status__in=[JobStatus.PENDING, JobStatus.PROCESSING],
        )
        .exists()
    )  # fmt: skip


def board_context(actor: Actor, person: User, monday: date) -> dict[str, Any]:
    """Everything the week board shows: the proposal, the days with their stops, the removed accounts."""
    plan = plan_get(actor=actor, user=person, monday=monday)
    items = plan_items(actor=actor, plan=plan) if plan is not None else []
    settings = rep_settings(actor=actor, user=person)
    start = point_of(settings.start_latitude, settings.start_longitude)
    today = tenant_today(actor.tenant)
    contacted = contacted_ids(actor=actor, user=person, day_from=monday, day_to=monday + timedelta(days=6))
    weekend = [monday + timedelta(days=n) for n in (5, 6)]
    shown_days = [monday + timedelta(days=n) for n in range(WORKING_DAYS)]
    shown_days += [d for d in weekend if any(i.scheduled_date == d and not i.removed_at for i in items)]
    days = [
        DayColumn(
            day=d,
            label=format_date(d, today, weekday=True),
            is_today=d == today,
            stops=stops_of(items, d, start, contacted),
            capacity=settings.daily_capacity,
        )
        for d in shown_days
    ]
    day_choices = [(d.isoformat(), format_date(d, today, weekday=True)) for d in shown_days]
    user_query = f"?user_id={person.pk}" if person.pk != actor.user.pk else ""
    return {
        "plan": plan,
        "person": person,
        "is_own": person.pk == actor.user.pk,
        "user_query": user_query,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "week": monday.isoformat(),
        "proposal": [i for i in items if not i.scheduled_date and not i.removed_at],
        "removed": [i for i in items if i.removed_at],
        "days": days,
        "day_choices": day_choices,
        "actions": PlanAction.choices,
        "capacity": settings.daily_capacity,
        "start_label": settings.start_label,
        "totals": plan_totals(actor=actor, user=person, monday=monday, items=items),
        "generating": _generating(actor, person, monday),
        "prev_week": (monday - timedelta(days=7)).isoformat(),
        "next_week": (monday + timedelta(days=7)).isoformat(),
        "is_this_week": monday == week_start(today),
    }


@require_GET
@login_required
def callplan_home(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    return redirect("callplan_week", week=week_bounds(actor.tenant)[0].isoformat())


@require_GET
@login_required
def callplan_week(request: HttpRequest, week: str) -> HttpResponse:
    """The week board of the signed-in person, or (?user_id=) of someone in their team."""
    actor = actor_of_page(request)
    person = _person(actor, request)
    context = board_context(actor, person, _monday(week))
    context["people"] = team_people(actor) if actor.leads_people else []
    return render_page(request, "callplan/week.html", context, fragment="callplan/_board.html")


def _board_answer(
    request: HttpRequest, actor: Actor, person: User, monday: date, toast: tuple[str, str]
) -> HttpResponse:
    if not wants_fragment(request):
        url = reverse("callplan_week", args=[monday.isoformat()])
        return redirect(url + (f"?user_id={person.pk}" if person.pk != actor.user.pk else ""))
    response = render_page(
        request, "callplan/_board.html", board_context(actor, person, monday), fragment="callplan/_board.html"
    )
    return add_toast(response, toast[0], toast[1])


def _changes_from_post(request: HttpRequest, item: CallPlanItem) -> dict[str, Any]:
    """The item changes a board form posted; a malformed value is an InvalidInput naming its field."""
    post = request.POST
    changes: dict[str, Any] = {}
    try:
        if "scheduled_date" in post:
            raw = post["scheduled_date"]
            changes["scheduled_date"] = date.fromisoformat(raw) if raw else None
        day = changes.get("scheduled_date", item.scheduled_date)
        if "scheduled_time" in post and day is not None:
            raw = post["scheduled_time"]
            changes["scheduled_time"] = time.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput.on("scheduled_date", "Pick a day and a time from the lists.") from None
    if "action" in post:
        changes["action"] = post["action"]
    if post.get("position", "").isdigit():
        changes["position"] = int(post["position"])
    if "removed_reason" in post:
        reason = post["removed_reason"].strip()
        if not reason:
            raise InvalidInput.on("removed_reason", "Say why the account comes out of the plan.")
        changes["removed_reason"] = reason
    if "restore" in post:
        changes["removed_reason"] = ""
    return changes


def _change_text(item: CallPlanItem, changes: dict[str, Any], today: date) -> str:
    name = item.customer.name
    if changes.get("removed_reason"):
        return f"{name} removed from the plan."
    if "removed_reason" in changes:
        return f"{name} is back in the plan."
    if "scheduled_date" in changes and item.scheduled_date is None:
        return f"{name} moved back to the proposal."
    if item.scheduled_date is not None and ("scheduled_date" in changes or "position" in changes):
        return f"{name} on {format_date(item.scheduled_date, today, weekday=True)}."
    return f"{name} updated."


@require_POST
@login_required
def callplan_item_change(request: HttpRequest, item_id: int) -> HttpResponse:
    """Schedule, move, reorder, re-time, change the action of, remove or restore one item."""
    actor = actor_of_page(request)
    try:
        item = item_get(actor=actor, item_id=item_id)
    except NotFound:
        raise Http404("No such plan item") from None
    person, monday = item.plan.user, item.plan.week_start
    try:
        changes = _changes_from_post(request, item)
        item = item_update(actor=actor, item=item, changes=changes)
    except DomainError as exc:
        message = exc.errors[0].message if exc.errors else exc.detail
        return _board_answer(request, actor, person, monday, (message, "error"))
    text = _change_text(item, changes, tenant_today(actor.tenant))
    return _board_answer(request, actor, person, monday, (text, "success"))


@require_POST
@login_required
def callplan_generate_page(request: HttpRequest, week: str) -> HttpResponse:
    """Ask for the week's plan to be (re)generated; the board polls until it is ready."""
    actor = actor_of_page(request)
    person, monday = _person(actor, request), _monday(week)
    plan_generate_request(actor=actor, monday=monday, user_id=person.pk)
    return _board_answer(
        request, actor, person, monday, ("Preparing the plan: it appears here in a moment.", "info")
    )


@require_POST
@login_required
def callplan_day_route(request: HttpRequest, week: str, day: str) -> HttpResponse:
    """Put a day's visits in route order from the rep's start location."""
    actor = actor_of_page(request)
    person, monday = _person(actor, request), _monday(week)
    plan = plan_get(actor=actor, user=person, monday=monday)
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such day") from None
    if plan is None or not monday <= chosen <= monday + timedelta(days=6):
        raise Http404("No such day in this plan")
    day_route_order(actor=actor, plan=plan, day=chosen)
    label = format_date(chosen, tenant_today(actor.tenant), weekday=True)
    return _board_answer(request, actor, person, monday, (f"{label}'s visits are in route order.", "success"))


@require_GET
@login_required
def callplan_today(request: HttpRequest) -> HttpResponse:
    """Today's stops in order, for the phone: one tap to log the outcome, one to take an order."""
    actor = actor_of_page(request)
    person = _person(actor, request)
    today = tenant_today(actor.tenant)
    monday = week_start(today)
    plan = plan_get(actor=actor, user=person, monday=monday)
    items = plan_items(actor=actor, plan=plan) if plan is not None else []
    settings = rep_settings(actor=actor, user=person)
    contacted = contacted_ids(actor=actor, user=person, day_from=today, day_to=today)
    stops = stops_of(items, today, point_of(settings.start_latitude, settings.start_longitude), contacted)
    context = {
        "person": person,
        "is_own": person.pk == actor.user.pk,
        "today": today,
        "week": monday.isoformat(),
        "stops": stops,
        "done": sum(1 for s in stops if s.done),
        "km": sum(s.km or 0 for s in stops),
        "start_label": settings.start_label,
        "today_url": reverse("callplan_today"),
    }
    return render_page(request, "callplan/today.html", context, fragment="callplan/_today_stops.html")
