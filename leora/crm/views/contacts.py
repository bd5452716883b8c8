"""A customer's contacts from its page: add and edit in the shared form modal, remove (after a
confirmation) and mark primary with one button. A contact is read through ``contact_get`` and its
customer through ``customer_get``, the selectors of the API, so another rep's contact answers 404; every
write goes through the contact services the API uses.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from leora.crm.models import Contact, Customer
from leora.crm.selectors.contacts import contact_get
from leora.crm.services.contacts import contact_create, contact_delete, contact_update
from leora.crm.views.customer_forms import page_customer
from leora.errors import DomainError, NotFound
from leora.pages import actor_of_page, form_add_domain_errors, form_page, form_saved, safe_next
from leora.tenancy.actors import Actor


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Give the contact a name."})
    title = forms.CharField(max_length=100, required=False, label="Role")
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    is_primary = forms.BooleanField(required=False, label="Primary contact")

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise forms.ValidationError("Give the contact a name.")
        return name

    def values(self) -> dict[str, Any]:
        """The form's values as the contact services take them (text stripped)."""
        return {k: v.strip() if isinstance(v, str) else v for k, v in self.cleaned_data.items()}


def page_contact(actor: Actor, contact_id: int) -> Contact:
    """Return a contact the actor may see, or answer 404."""
    try:
        return contact_get(actor=actor, contact_id=contact_id)
    except NotFound:
        raise Http404("No such contact") from None


def _customer_url(customer_id: int) -> str:
    return reverse("customer_detail", args=[customer_id])


def _contact_form_page(
    request: HttpRequest,
    customer: Customer,
    form: ContactForm,
    *,
    action: str,
    title: str,
    submit: str,
    status: int = 200,
) -> HttpResponse:
    return form_page(
        request,
        "crm/contacts/form.html",
        {"form": form, "customer": customer, "action": action, "submit_label": submit},
        title=title,
        back_url=safe_next(request, _customer_url(customer.pk)),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_contact_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    customer = page_customer(actor, customer_id)
    action = reverse("customer_contact_new", args=[customer.pk])
    title, submit = f"Add a contact · {customer.name}", "Add contact"
    if request.method == "GET":
        return _contact_form_page(request, customer, ContactForm(), action=action, title=title, submit=submit)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = contact_create(actor=actor, customer_id=customer.pk, **form.values())
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            text = f"{contact.name} added to {customer.name}."
            return form_saved(request, text, redirect_to=_customer_url(customer.pk))
    return _contact_form_page(request, customer, form, action=action, title=title, submit=submit, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    contact = page_contact(actor, contact_id)
    customer = contact.customer
    action = reverse("contact_edit", args=[contact.pk])
    title, submit = f"Edit {contact.name} · {customer.name}", "Save contact"
    if request.method == "GET":
        form = ContactForm(initial={name: getattr(contact, name) for name in ContactForm.base_fields})
        return _contact_form_page(request, customer, form, action=action, title=title, submit=submit)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = contact_update(actor=actor, contact=contact, changes=form.values())
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            return form_saved(request, f"{contact.name} saved.", redirect_to=_customer_url(customer.pk))
    return _contact_form_page(request, customer, form, action=action, title=title, submit=submit, status=422)


@login_required
@require_POST
def contact_remove(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Remove a contact (the page asks for confirmation first, with hx-confirm)."""
    actor = actor_of_page(request)
    contact = page_contact(actor, contact_id)
    customer_id, name = contact.customer_id, contact.name
    contact_delete(actor=actor, contact=contact)
    return form_saved(request, f"{name} removed.", redirect_to=_customer_url(customer_id))


@login_required
@require_POST
def contact_make_primary(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Make a contact the customer's primary one; ``contact_update`` makes the others not primary."""
    actor = actor_of_page(request)
    contact = page_contact(actor, contact_id)
    contact = contact_update(actor=actor, contact=contact, changes={"is_primary": True})
    text = f"{contact.name} is now the primary contact."
    return form_saved(request, text, redirect_to=_customer_url(contact.customer_id))


urlpatterns: list[URLPattern] = [
    path("customers/<id:customer_id>/contacts/new/", customer_contact_new, name="customer_contact_new"),
    path("contacts/<id:contact_id>/edit/", contact_edit, name="contact_edit"),
    path("contacts/<id:contact_id>/remove/", contact_remove, name="contact_remove"),
    path("contacts/<id:contact_id>/primary/", contact_make_primary, name="contact_make_primary"),
]
