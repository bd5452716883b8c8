"""Forms opened from a customer's page in the shared modal: each loads the customer through the same
selector as the page (another rep's customer answers 404), validates on the server and writes through
the service the API uses.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from leora.crm.models import ActivityKind, Customer
from leora.crm.selectors.customers import customer_get
from leora.crm.services.activities import activity_create
from leora.errors import DomainError, NotFound
from leora.pages import actor_of_page, form_add_domain_errors, form_page, form_saved, safe_next
from leora.tenancy.actors import Actor

# A datetime-local input sends minutes; the value is read in the tenant's time zone (the middleware
# activates it for the request).
LOCAL_MINUTES = "%Y-%m-%dT%H:%M"


def page_customer(actor: Actor, customer_id: int) -> Customer:
    """Return the customer a form is about, or answer 404 like the customer page does."""
    try:
        return customer_get(actor=actor, customer_id=customer_id)
    except NotFound:
        raise Http404("No such customer") from None


def local_now() -> str:
    """Now, in the request's time zone, as a datetime-local input's value."""
    return timezone.localtime().strftime(LOCAL_MINUTES)


class ActivityForm(forms.Form):
    """Log a call, visit, tasting, email or note."""

    kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.VISIT, label="Type")
    occurred_at = forms.DateTimeField(
        label="When",
        input_formats=[LOCAL_MINUTES, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTES),
    )
    subject = forms.CharField(max_length=200, required=False, label="Outcome")
    outcome = forms.CharField(required=False, label="Notes", widget=forms.Textarea(attrs={"rows": 3}))


def _activity_form_page(
    request: HttpRequest, customer: Customer, form: ActivityForm, *, status: int = 200
) -> HttpResponse:
    back_url = safe_next(request, reverse("customer_detail", args=[customer.pk]))
    context = {
        "form": form,
        "customer": customer,
        "action": reverse("customer_activity_new", args=[customer.pk]),
    }
    return form_page(
        request,
        "crm/customers/forms/activity.html",
        context,
        title=f"Log activity · {customer.name}",
        back_url=back_url,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_activity_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    customer = page_customer(actor, customer_id)
    if request.method == "GET":
        form = ActivityForm(initial={"kind": ActivityKind.VISIT, "occurred_at": local_now()})
        return _activity_form_page(request, customer, form)
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            activity = activity_create(
                actor=actor,
                customer_id=customer.pk,
                kind=data["kind"],
                subject=data["subject"].strip(),
                outcome=data["outcome"].strip(),
                occurred_at=data["occurred_at"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of={"customer_id": "kind"})
        else:
            text = f"{activity.get_kind_display()} logged for {customer.name}."
            return form_saved(request, text, redirect_to=reverse("customer_detail", args=[customer.pk]))
    return _activity_form_page(request, customer, form, status=422)


urlpatterns: list[URLPattern] = [
    path("customers/<int:customer_id>/activities/new/", customer_activity_new, name="customer_activity_new"),
]
