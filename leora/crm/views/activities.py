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
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from leora.crm.models import Activity, ActivityKind, Customer
from leora.crm.selectors.activities import activity_list
from leora.crm.views.customer_forms import ActivityForm, activity_log, activity_saved_text, local_now
from leora.crm.visibility import visible_customers
from leora.errors import InvalidInput
from leora.pages import actor_of_page, form_page, form_saved, page_slice, render_page, safe_next, url_with
from leora.tenancy.actors import Actor
from leora.tenancy.models import User
from leora.tenancy.selectors.members import assignable_people

PAGE_SIZE = 25
SEARCH_MAX_LENGTH = 100
CUSTOMER_CHOICES_LIMIT = 50
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
    # Ids of their own: the Log activity form opens on this page with fields of the same names.
    form = ActivityFilterForm(request.GET, auto_id="filter-%s")
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
        # Opened from a customer's log, the form has that customer chosen already.
        "log_activity_url": reverse("activity_new") + (f"?customer={customer.pk}" if customer else ""),
    }
    return render_page(request, "crm/activities/index.html", context, fragment="crm/activities/_results.html")


# --------------------------------------------------------------------- Log activity, any customer


def customer_choices(actor: Actor, search: str = "", *, include: int | None = None) -> list[Customer]:
    """Return up to CUSTOMER_CHOICES_LIMIT visible customers by name matching ``search`` (name, account
    number or city), with customer ``include`` first when the actor may see it (the one chosen)."""
    customers = visible_customers(actor).only("pk", "name", "account_number", "city").order_by("name", "pk")
    term = search.strip()
    if term:
        customers = customers.filter(
            Q(name__icontains=term) | Q(account_number__icontains=term) | Q(city__icontains=term)
        )
    found = list(customers[:CUSTOMER_CHOICES_LIMIT])
    if include is not None and all(customer.pk != include for customer in found):
        chosen = visible_customers(actor).only("pk", "name", "account_number", "city").filter(pk=include)
        found = [*chosen, *found]
    return found


class ActivityAnyCustomerForm(ActivityForm):
    """The Log activity form of the Activities page: the same form, with the customer to choose."""

    customer = forms.IntegerField(
        label="Customer", min_value=1, error_messages={"required": "Choose a customer."}
    )

    field_order = ["customer"]


def _activity_new_page(
    request: HttpRequest, actor: Actor, form: ActivityAnyCustomerForm, *, status: int = 200
) -> HttpResponse:
    chosen = form["customer"].value()
    selected = int(chosen) if str(chosen or "").isdigit() else None
    context = {
        "form": form,
        "customers": customer_choices(actor, include=selected),
        "selected_customer": selected,
        "action": reverse("activity_new"),
    }
    return form_page(
        request,
        "crm/activities/form.html",
        context,
        title="Log activity",
        back_url=safe_next(request, reverse("activity_list")),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    """Log an activity on any customer the actor may see; ``?customer=<id>`` picks one beforehand."""
    actor = actor_of_page(request)
    if request.method == "GET":
        initial: dict[str, Any] = {"kind": ActivityKind.VISIT, "occurred_at": local_now()}
        if request.GET.get("customer", "").isdigit():
            initial["customer"] = int(request.GET["customer"])
        return _activity_new_page(request, actor, ActivityAnyCustomerForm(initial=initial))
    form = ActivityAnyCustomerForm(request.POST)
    if form.is_valid():
        activity = activity_log(
            actor=actor,
            customer_id=form.cleaned_data["customer"],
            form=form,
            field_of={"customer_id": "customer"},
        )
        if activity is not None:
            return form_saved(
                request, activity_saved_text(actor, activity), redirect_to=reverse("activity_list")
            )
    return _activity_new_page(request, actor, form, status=422)


@login_required
@require_GET
def activity_customer_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the form's customer picker, narrowed by its search box as one types."""
    actor = actor_of_page(request)
    customers = customer_choices(actor, request.GET.get("customer_search", "")[:SEARCH_MAX_LENGTH])
    return render(request, "crm/activities/_customer_options.html", {"customers": customers})


urlpatterns: list[URLPattern] = [
    path("activities/", activity_list_page, name="activity_list"),
    path("activities/new/", activity_new, name="activity_new"),
    path("activities/customer-options/", activity_customer_options, name="activity_customer_options"),
]
