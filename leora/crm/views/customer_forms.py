"""Forms opened from a customer's page in the shared modal: each loads the customer through the same
selector as the page (another rep's customer answers 404), validates on the server and writes through
the service the API uses.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from leora.crm.models import AccountType, Activity, ActivityKind, Customer, CustomerStatus, LicenceType
from leora.crm.selectors.customers import customer_get
from leora.crm.services.activities import FollowUp, activity_create
from leora.crm.services.customers import customer_update
from leora.errors import DomainError, NotFound
from leora.pages import actor_of_page, form_add_domain_errors, form_page, form_saved, safe_next
from leora.tenancy.actors import Actor
from leora.tenancy.models import User
from leora.tenancy.selectors.members import assignable_people

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
    """Log a call, visit, tasting, email or note, with an optional follow-up task."""

    kind = forms.ChoiceField(choices=ActivityKind.choices, initial=ActivityKind.VISIT, label="Type")
    occurred_at = forms.DateTimeField(
        label="When",
        input_formats=[LOCAL_MINUTES, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTES),
    )
    subject = forms.CharField(max_length=200, required=False, label="Outcome")
    outcome = forms.CharField(required=False, label="Notes", widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_title = forms.CharField(max_length=200, required=False, label="Follow-up task")
    follow_up_due = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("follow_up_due") and not (data.get("follow_up_title") or "").strip():
            self.add_error("follow_up_title", "Give the follow-up task a title, or clear its due date.")
        return data

    @property
    def has_follow_up(self) -> bool:
        """True when the follow-up part has something in it (it is then shown open)."""
        if self.is_bound:
            return bool(self.data.get("follow_up_title") or self.data.get("follow_up_due"))
        return False

    def follow_up(self) -> FollowUp | None:
        """Return the follow-up task asked for, from valid data; None when there is none."""
        title = (self.cleaned_data.get("follow_up_title") or "").strip()
        if not title:
            return None
        return FollowUp(title=title, due_date=self.cleaned_data.get("follow_up_due"))


# Where the activity service's field names differ from the form's.
ACTIVITY_FIELD_OF = {"follow_up.title": "follow_up_title", "follow_up.due_date": "follow_up_due"}


def activity_log(
    *, actor: Actor, customer_id: int, form: ActivityForm, field_of: dict[str, str] | None = None
) -> Activity | None:
    """Log the activity of a valid ``form`` through ``activity_create``; on a refusal put the service's
    errors on the form and return None."""
    data = form.cleaned_data
    try:
        return activity_create(
            actor=actor,
            customer_id=customer_id,
            kind=data["kind"],
            subject=data["subject"].strip(),
            outcome=data["outcome"].strip(),
            occurred_at=data["occurred_at"],
            follow_up=form.follow_up(),
        )
    except DomainError as exc:
        form_add_domain_errors(form, exc, field_of={**ACTIVITY_FIELD_OF, **(field_of or {})})
        return None


def activity_saved_text(actor: Actor, activity: Activity) -> str:
    """The toast after logging: what was logged, and where the follow-up task went when there is one."""
    text = f"{activity.get_kind_display()} logged for {activity.customer.name}."
    task = getattr(activity, "follow_up_task", None)
    if task is not None:
        whose = "your" if task.assigned_to_id == actor.user.pk else f"{task.assigned_to.display_name}'s"
        text += f" Follow-up “{task.title}” added to {whose} tasks."
    return text


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
        kind = request.GET.get("kind")
        kind = kind if kind in ActivityKind.values else ActivityKind.VISIT
        form = ActivityForm(initial={"kind": kind, "occurred_at": local_now()})
        return _activity_form_page(request, customer, form)
    form = ActivityForm(request.POST)
    if form.is_valid():
        activity = activity_log(actor=actor, customer_id=customer.pk, form=form)
        if activity is not None:
            redirect_to = reverse("customer_detail", args=[customer.pk])
            return form_saved(request, activity_saved_text(actor, activity), redirect_to=redirect_to)
    return _activity_form_page(request, customer, form, status=422)


# ---------------------------------------------------------------------------------- Edit account

UNASSIGNED = ""


def _rep_choices(actor: Actor, customer: Customer) -> list[tuple[str, str]]:
    """The people an admin or manager may give the account to (``assignable_people``), and whoever has
    it now, so an edit that leaves the rep alone never has to change them."""
    people: list[User] = list(assignable_people(actor=actor))
    current = customer.assigned_rep
    if current is not None and all(person.pk != current.pk for person in people):
        people.append(current)
    return [(UNASSIGNED, "Unassigned"), *((str(person.pk), person.display_name) for person in people)]


class CustomerForm(forms.Form):
    """Edit an account. ``assigned_rep`` is there only for people who lead others; whether the chosen
    person may be given the account is ``customer_update``'s call."""

    name = forms.CharField(max_length=200, error_messages={"required": "Give the account a name."})
    account_type = forms.ChoiceField(choices=AccountType.choices, label="Account type")
    status = forms.ChoiceField(choices=CustomerStatus.choices)
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False, label="State or region")
    postal_code = forms.CharField(max_length=20, required=False, label="Postal code")
    country = forms.CharField(max_length=2, required=False, help_text="Two letters, e.g. US")
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    licence_number = forms.CharField(max_length=40, required=False, label="Licence number")
    licence_type = forms.ChoiceField(choices=LicenceType.choices, required=False, label="Licence type")
    territory = forms.CharField(max_length=100, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(
        required=False, min_value=-180, max_value=180, max_digits=9, decimal_places=6
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors:
            self.add_error(
                "longitude" if data.get("longitude") is None else "latitude", "Give both, or neither."
            )
        return data

    def __init__(self, *args: Any, actor: Actor, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if actor.leads_people:
            self.fields["assigned_rep"] = forms.ChoiceField(
                choices=_rep_choices(actor, customer), required=False, label="Rep"
            )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError("Give the account a name.")
        return name

    def clean_country(self) -> str:
        country = str(self.cleaned_data.get("country") or "").strip().upper()
        if country and not (len(country) == 2 and country.isalpha()):
            raise forms.ValidationError("Use the two-letter country code, e.g. US.")
        return country

    def changes(self) -> dict[str, Any]:
        """The form's values as ``customer_update`` changes (text stripped, the rep as an id)."""
        changes: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "assigned_rep":
                changes["assigned_rep_id"] = int(value) if value else None
            else:
                changes[name] = value.strip() if isinstance(value, str) else value
        return changes


def customer_initial(customer: Customer) -> dict[str, Any]:
    fields = [name for name in CustomerForm.base_fields]
    initial: dict[str, Any] = {name: getattr(customer, name) for name in fields}
    initial["assigned_rep"] = str(customer.assigned_rep_id or UNASSIGNED)
    return initial


def _customer_form_page(
    request: HttpRequest, customer: Customer, form: CustomerForm, *, status: int = 200
) -> HttpResponse:
    context = {"form": form, "customer": customer, "action": reverse("customer_edit", args=[customer.pk])}
    return form_page(
        request,
        "crm/customers/forms/customer.html",
        context,
        title=f"Edit {customer.name}",
        back_url=safe_next(request, reverse("customer_detail", args=[customer.pk])),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Edit an account's details (and, for admins and managers, its rep) through ``customer_update``."""
    actor = actor_of_page(request)
    customer = page_customer(actor, customer_id)
    if request.method == "GET":
        form = CustomerForm(initial=customer_initial(customer), actor=actor, customer=customer)
        return _customer_form_page(request, customer, form)
    form = CustomerForm(request.POST, actor=actor, customer=customer)
    if form.is_valid():
        try:
            customer = customer_update(actor=actor, customer=customer, changes=form.changes())
        except DomainError as exc:
            form_add_domain_errors(
                form, exc, field_of={"assigned_rep_id": "assigned_rep"}, forbidden_field="assigned_rep"
            )
        else:
            redirect_to = reverse("customer_detail", args=[customer.pk])
            return form_saved(request, f"{customer.name} saved.", redirect_to=redirect_to)
    return _customer_form_page(request, customer, form, status=422)


urlpatterns: list[URLPattern] = [
    path("customers/<id:customer_id>/activities/new/", customer_activity_new, name="customer_activity_new"),
    path("customers/<id:customer_id>/edit/", customer_edit, name="customer_edit"),
]
