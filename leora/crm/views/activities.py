"""The Activities page: the activity log a person may see (a rep's accounts, a manager's team, an admin's
tenant), filtered by type, rep, customer and dates, a page at a time. It reads through ``activity_list``,
the selector behind GET /api/activities, so the page and the API show a person the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET

from leora.crm.models import Activity, ActivityKind, Customer
from leora.crm.selectors.activities import activity_list
from leora.crm.visibility import visible_customers
from leora.errors import InvalidInput
from leora.pages import actor_of_page, page_slice, render_page, url_with
from leora.tenancy.actors import Actor
from leora.tenancy.models import User
from leora.tenancy.selectors.members import assignable_people

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100
KIND_BADGES = {
    ActivityKind.VISIT: "badge-accent",
    ActivityKind.TASTING: "badge-accent",
    ActivityKind.CALL: "badge-outline",
    ActivityKind.EMAIL: "badge-outline",
    ActivityKind.NOTE: "badge-muted",
}


class ActivityFilterForm(forms.Form):
    """The page's filters, read from the query string. A value that does not parse is left out (a page
    never answers 422 for a stale bookmark); an inverted date range is shown as an error and ignored."""

    search = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH)
    kind = forms.ChoiceField(choices=[("", "All types"), *ActivityKind.choices], required=False, label="Type")
    rep = forms.IntegerField(required=False, min_value=1)
    customer = forms.IntegerField(required=False, min_value=1)
    occurred_from = forms.DateField(required=False, label="From")
    occurred_to = forms.DateField(required=False, label="To")


@dataclass(frozen=True)
class ActivityFilters:
    search: str
    kind: str
    rep_id: int | None
    customer_id: int | None
    occurred_from: date | None
    occurred_to: date | None

    @property
    def active(self) -> bool:
        return bool(
            self.search
            or self.kind
            or self.rep_id
            or self.customer_id
            or self.occurred_from
            or self.occurred_to
        )


def read_filters(form: ActivityFilterForm, actor: Actor) -> ActivityFilters:
    """Return the filters that parsed; the rep filter is for people who lead others."""
    form.is_valid()
    data: dict[str, Any] = {
        name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors
    }
    return ActivityFilters(
        search=(data.get("search") or "").strip(),
        kind=data.get("kind") or "",
        rep_id=data.get("rep") if actor.leads_people else None,
        customer_id=data.get("customer"),
        occurred_from=data.get("occurred_from"),
        occurred_to=data.get("occurred_to"),
    )


def filtered_activities(actor: Actor, filters: ActivityFilters) -> tuple[QuerySet[Activity], str]:
    """Return the actor's activities under ``filters``, newest first, and the selector's complaint about
    the dates ("" when none): a refused range is dropped rather than emptying the list."""
    arguments: dict[str, Any] = {
        "actor": actor,
        "search": filters.search or None,
        "customer_id": filters.customer_id,
        "user_id": filters.rep_id,
        "kind": filters.kind or None,
    }
    try:
        activities = activity_list(
            **arguments, occurred_from=filters.occurred_from, occurred_to=filters.occurred_to
        )
        problem = ""
    except InvalidInput:
        activities = activity_list(**arguments)
        problem = "The start date must be on or before the end date."
    return activities.order_by("-occurred_at", "-pk"), problem


def filtered_customer(actor: Actor, customer_id: int | None) -> Customer | None:
    """Return the customer the list is narrowed to, when the actor may see it."""
    if customer_id is None:
        return None
    return visible_customers(actor).only("pk", "name", "account_number").filter(pk=customer_id).first()


def _rep_choices(actor: Actor) -> list[User]:
    return list(assignable_people(actor=actor)) if actor.leads_people else []


@login_required
@require_GET
def activity_list_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    form = ActivityFilterForm(request.GET)
    filters = read_filters(form, actor)
    activities, date_problem = filtered_activities(actor, filters)
    page = page_slice(request, activities, page_size=PAGE_SIZE)
    customer = filtered_customer(actor, filters.customer_id)
    context = {
        "page": page,
        "rows": [
            (activity, KIND_BADGES.get(ActivityKind(activity.kind), "badge")) for activity in page.items
        ],
        "form": form,
        "filters": filters,
        "date_problem": date_problem,
        "kinds": ActivityKind.choices,
        "people": _rep_choices(actor),
        "leads_people": actor.leads_people,
        "customer": customer,
        "clear_customer_url": url_with(request, customer=None, page=None),
        "clear_url": reverse("activity_list"),
    }
    return render_page(request, "crm/activities/index.html", context, fragment="crm/activities/_results.html")


urlpatterns: list[URLPattern] = [
    path("activities/", activity_list_page, name="activity_list"),
]
