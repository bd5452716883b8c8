"""The webhooks pages, for admins: /webhooks/ (the subscriptions) and /webhooks/<id>/ (one subscription
with its delivery log, Send test event, Rotate secret, turn on or off, delete). Forms open in the shared
modal; a new or rotated secret is shown once, in the modal that made it. Reads and writes go through the
webhook selectors and services, as /api/webhooks; managers and reps are refused (403).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leora.errors import DomainError, NotFound
from leora.events import EVENTS
from leora.pages import (
    RECORDS_CHANGED,
    actor_of_page,
    add_event,
    add_toast,
    form_add_domain_errors,
    form_page,
    form_saved,
    page_slice,
    refusals_as_403,
    render_page,
    safe_next,
    wants_fragment,
)
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role
from leora.webhooks.models import URL_MAX_LENGTH, DeliveryStatus, WebhookSubscription
from leora.webhooks.secrets import SIGNATURE_HEADER
from leora.webhooks.selectors import delivery_list, webhook_get, webhook_list
from leora.webhooks.services import (
    ADMINS_ONLY,
    IssuedSecret,
    disable_after,
    webhook_create,
    webhook_delete,
    webhook_secret_rotate,
    webhook_test_send,
    webhook_update,
)

EVENT_HELP = {
    "customer.created": "An account is added.",
    "customer.updated": "An account's details change.",
    "order.created": "An order is taken.",
    "task.assigned": "A task is given to someone.",
    "metric.updated": "A metric's formula or settings get a new version.",
    "job.failed": "A background job fails for good.",
    "extraction.completed": "A scanned document has been read.",
    "import.completed": "An import has finished.",
}
DELIVERIES_PAGE_SIZE = 20


def _admin(request: HttpRequest) -> Actor:
    actor = actor_of_page(request)
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    return actor


def _subscription_or_404(actor: Actor, webhook_id: int) -> WebhookSubscription:
    try:
        return webhook_get(actor=actor, webhook_id=webhook_id)
    except NotFound:
        raise Http404("No such webhook") from None


class WebhookForm(forms.Form):
    """A subscription's fields; whether the URL may be called and the events exist is the service's call."""

    url = forms.CharField(max_length=URL_MAX_LENGTH, label="URL")
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=[(event, event) for event in EVENTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
    active = forms.BooleanField(required=False, initial=True)


def _form_page(
    request: HttpRequest, form: WebhookForm, *, action: str, title: str, submit: str, status: int = 200
) -> HttpResponse:
    events = [
        {
            "value": event,
            "help": EVENT_HELP.get(event, ""),
            "checked": event in (form["events"].value() or []),
        }
        for event in EVENTS
    ]
    return form_page(
        request,
        "webhooks/_form.html",
        {"form": form, "action": action, "submit_label": submit, "event_choices": events},
        title=title,
        back_url=safe_next(request, reverse("webhook_list")),
        status=status,
    )


def _secret_shown(request: HttpRequest, issued: IssuedSecret, *, title: str, text: str) -> HttpResponse:
    """Show a new secret once: in the modal for htmx (the page behind refreshes), else on a page."""
    subscription = issued.subscription
    context = {
        "issued": issued,
        "subscription": subscription,
        "form_title": title,
        "signature_header": SIGNATURE_HEADER,
        "detail_url": reverse("webhook_detail", args=[subscription.pk]),
    }
    if wants_fragment(request):
        response = render(request, "webhooks/_secret.html", {**context, "in_modal": True})
        add_toast(response, text)
        add_event(response, RECORDS_CHANGED)
    else:
        response = render(request, "webhooks/secret_page.html", {**context, "in_modal": False})
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@refusals_as_403
@require_GET
def webhook_list_page(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    context = {"page": page_slice(request, webhook_list(actor=actor)), "refresh_url": request.get_full_path()}
    return render_page(request, "webhooks/list.html", context, fragment="webhooks/_results.html")


@login_required
@refusals_as_403
@require_http_methods(["GET", "POST"])
def webhook_new(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    action, title, submit = reverse("webhook_new"), "New webhook", "Add webhook"
    if request.method == "GET":
        return _form_page(request, WebhookForm(), action=action, title=title, submit=submit)
    form = WebhookForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            issued = webhook_create(
                actor=actor, url=data["url"], events=list(data["events"]),
                description=data["description"], active=data["active"],
            )  # fmt: skip
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            return _secret_shown(request, issued, title="Webhook added", text="Webhook added.")
    return _form_page(request, form, action=action, title=title, submit=submit, status=422)


@login_required
@refusals_as_403
@require_http_methods(["GET", "POST"])
def webhook_edit(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _admin(request)
    subscription = _subscription_or_404(actor, webhook_id)
    action, title, submit = reverse("webhook_edit", args=[subscription.pk]), "Edit webhook", "Save webhook"
    if request.method == "GET":
        initial = {name: getattr(subscription, name) for name in ("url", "description", "events", "active")}
        return _form_page(request, WebhookForm(initial=initial), action=action, title=title, submit=submit)
    form = WebhookForm(request.POST)
    if form.is_valid():
        changes = {**form.cleaned_data, "events": list(form.cleaned_data["events"])}
        try:
            webhook_update(actor=actor, subscription=subscription, changes=changes)
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            back = safe_next(request, reverse("webhook_detail", args=[subscription.pk]))
            return form_saved(request, "Webhook saved.", redirect_to=back)
    return _form_page(request, form, action=action, title=title, submit=submit, status=422)


@login_required
@refusals_as_403
@require_GET
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _admin(request)
    subscription = _subscription_or_404(actor, webhook_id)
    deliveries = page_slice(
        request, delivery_list(actor=actor, subscription=subscription), page_size=DELIVERIES_PAGE_SIZE
    )
    context: dict[str, Any] = {
        "subscription": subscription,
        "deliveries": deliveries,
        "waiting": any(d.status == DeliveryStatus.PENDING for d in deliveries.items),
        "refresh_url": request.get_full_path(),
        "event_help": [(event, EVENT_HELP.get(event, "")) for event in subscription.events],
        "disable_after": disable_after(),
    }
    return render_page(request, "webhooks/detail.html", context, fragment="webhooks/_detail.html")


class _Confirm(forms.Form):
    pass


@login_required
@refusals_as_403
@require_http_methods(["GET", "POST"])
def webhook_secret_rotate_page(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _admin(request)
    subscription = _subscription_or_404(actor, webhook_id)
    if request.method == "POST":
        issued = webhook_secret_rotate(actor=actor, subscription=subscription)
        return _secret_shown(request, issued, title="New signing secret", text="Secret rotated.")
    return form_page(
        request,
        "webhooks/_rotate.html",
        {"form": _Confirm(), "action": reverse("webhook_secret_rotate", args=[subscription.pk])},
        title="Rotate the signing secret?",
        back_url=reverse("webhook_detail", args=[subscription.pk]),
    )


@login_required
@refusals_as_403
@require_POST
def webhook_test_send_page(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _admin(request)
    subscription = _subscription_or_404(actor, webhook_id)
    webhook_test_send(actor=actor, subscription=subscription)
    text = "Test event queued: its delivery appears in the log below."
    return form_saved(request, text, redirect_to=reverse("webhook_detail", args=[subscription.pk]))


@login_required
@refusals_as_403
@require_POST
def webhook_active_set(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _admin(request)
    subscription = _subscription_or_404(actor, webhook_id)
    active = request.POST.get("active") == "on"
    webhook_update(actor=actor, subscription=subscription, changes={"active": active})
    text = "Webhook turned on." if active else "Webhook turned off: no events are sent until you turn it on."
    return form_saved(request, text, redirect_to=reverse("webhook_detail", args=[subscription.pk]))


@login_required
@refusals_as_403
@require_POST
def webhook_delete_page(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = _admin(request)
    subscription = _subscription_or_404(actor, webhook_id)
    url = subscription.url
    webhook_delete(actor=actor, subscription=subscription)
    messages.success(request, f"Webhook to {url} deleted.")
    if wants_fragment(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = reverse("webhook_list")
        return response
    return redirect("webhook_list")
