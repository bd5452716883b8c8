"""The reports page: request a report, follow its progress, download the file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from leora.crm.selectors.quotas import quota_people
from leora.crm.views.activities import customer_choices
from leora.errors import DomainError, NotFound
from leora.pages import (
    RECORDS_CHANGED,
    actor_of_page,
    add_event,
    add_toast,
    form_add_domain_errors,
    page_slice,
    render_page,
    wants_fragment,
)
from leora.reports.api import report_download_response
from leora.reports.models import ReportFormat, ReportType
from leora.reports.selectors import report_get, report_list
from leora.reports.services import report_request
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today

# The service's field names as the form calls them.
FORM_FIELD_OF = {"rep_id": "rep", "customer_id": "customer"}


class ReportForm(forms.Form):
    """What to report on; what the person may ask for is the service's call."""

    type = forms.ChoiceField(label="Report", choices=ReportType.choices)
    format = forms.ChoiceField(choices=ReportFormat.choices, initial=ReportFormat.PDF)
    date_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    rep = forms.IntegerField(required=False)
    customer = forms.IntegerField(required=False)


def _initial(actor: Actor, request: HttpRequest) -> dict[str, Any]:
    today = tenant_today(actor.tenant)
    customer = request.GET.get("customer", "")
    return {
        "type": ReportType.CUSTOMER_STATEMENT if customer.isdigit() else ReportType.SALES_BY_REP,
        "format": ReportFormat.PDF,
        "date_from": today - timedelta(days=29),
        "date_to": today,
        "customer": int(customer) if customer.isdigit() else None,
    }


def _form_context(actor: Actor, form: ReportForm) -> dict[str, Any]:
    chosen = form["customer"].value()
    include = int(chosen) if str(chosen or "").isdigit() else None
    return {
        "form": form,
        "actor": actor,
        "leads_people": actor.leads_people,
        "people": list(quota_people(actor=actor)) if actor.leads_people else [],
        "customers": customer_choices(actor, include=include),
        "selected_customer": include,
    }


def _results_context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    page = page_slice(request, report_list(actor=actor).order_by("-created_at", "-pk"), page_size=20)
    live = any(not report.finished for report in page.items)
    return {"page": page, "live": live, "actor": actor}


@require_GET
@login_required
def report_list_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    context = _results_context(request, actor)
    if not wants_fragment(request):
        context.update(_form_context(actor, ReportForm(initial=_initial(actor, request))))
    return render_page(request, "reports/report_list.html", context, fragment="reports/_results.html")


@require_POST
@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    """Request a report from the page's form: a fresh form, a toast and the list refreshed (htmx), or
    back to the list (no JavaScript). A refusal shows next to its field, with status 422."""
    actor = actor_of_page(request)
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report, _ = report_request(
                actor=actor,
                type=data["type"],
                format=data["format"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                rep_id=data["rep"] if data["type"] != ReportType.CUSTOMER_STATEMENT else None,
                customer_id=data["customer"] if data["type"] == ReportType.CUSTOMER_STATEMENT else None,
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF, forbidden_field="rep")
        else:
            text = f"{report.get_type_display()} requested: download it from the list once it is ready."
            if not wants_fragment(request):
                messages.success(request, text)
                return redirect("report_list")
            fresh = ReportForm(
                initial={**form.cleaned_data, "customer": data["customer"], "rep": data["rep"]}
            )
            response = render_page(
                request,
                "reports/report_list.html",
                _form_context(actor, fresh),
                fragment="reports/_form.html",
            )
            add_toast(response, text)
            return add_event(response, RECORDS_CHANGED)
    context = _form_context(actor, form)
    if not wants_fragment(request):
        context.update(_results_context(request, actor))
    return render_page(
        request, "reports/report_list.html", context, fragment="reports/_form.html", status=422
    )


@require_GET
@login_required
def report_download(request: HttpRequest, report_id: int) -> FileResponse:
    """The file of a report the person may see; anyone else's, or one not ready, is a 404."""
    actor = actor_of_page(request)
    try:
        return report_download_response(report_get(actor=actor, report_id=report_id))
    except NotFound:
        raise Http404("report not found") from None
