"""The notification bell in the top bar and the page listing a user's notifications."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from leora.errors import DomainError, NotFound
from leora.notifications.digest import digest_links, digest_summary
from leora.notifications.selectors import (
    digest_get,
    notification_get,
    notification_list,
    notification_preference_get,
    notification_unread_count,
)
from leora.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preference_update,
)
from leora.pages import (
    actor_of_page,
    add_toast,
    form_add_domain_errors,
    page_slice,
    render_page,
    wants_fragment,
)
from leora.tenancy.actors import Actor

STOP_POLLING = 286


def safe_target(url: str) -> str:
    """Return ``url`` when it is a path on this site, else the notifications page.

    A notification's url is followed after a POST; only a local path may be, so a stored url can
    never send someone to another site ("//host" and "/\\host" are other sites to a browser).
    """
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return reverse("notification_list")


def _list_context(request: HttpRequest) -> dict[str, object]:
    actor = actor_of_page(request)
    # Mark all read posts the filter back, so the list it answers with stays the one on screen.
    unread_only = (request.GET.get("show") or request.POST.get("show")) == "unread"
    notifications = notification_list(actor=actor, unread=True if unread_only else None)
    return {
        "page": page_slice(request, notifications),
        "unread_only": unread_only,
        "unread_count": notification_unread_count(actor=actor),
    }


@require_GET
@login_required
def notification_list_page(request: HttpRequest) -> HttpResponse:
    return render_page(
        request, "notifications/list.html", _list_context(request), fragment="notifications/_results.html"
    )


@require_GET
def notification_bell_fragment(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # 286 tells htmx to stop polling; a redirect would swap the login page into the top bar.
        return HttpResponse(status=STOP_POLLING)
    unread = notification_unread_count(actor=actor_of_page(request))
    return render(request, "notifications/_bell.html", {"unread_count": unread})


@require_POST
@login_required
def notification_open_action(request: HttpRequest, notification_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    try:
        notification = notification_get(actor=actor, notification_id=notification_id)
    except NotFound:
        raise Http404("notification not found") from None
    notification_mark_read(actor=actor, notification=notification)
    return redirect(safe_target(notification.url))


@require_POST
@login_required
def notification_read_all_action(request: HttpRequest) -> HttpResponse:
    marked = notification_mark_all_read(actor=actor_of_page(request))
    text = "All notifications marked read." if marked else "No unread notifications."
    if wants_fragment(request):
        context = {**_list_context(request), "fragment": True}
        return add_toast(render(request, "notifications/_results.html", context), text)
    messages.success(request, text)
    return redirect("notification_list")


@require_GET
@login_required
def digest_detail_page(request: HttpRequest, digest_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    try:
        digest = digest_get(actor=actor, digest_id=digest_id)
    except NotFound:
        raise Http404("digest not found") from None
    context = {
        "digest": digest,
        "items": digest.items,
        "summary": digest_summary(digest.items),
        "links": digest_links(digest, base=""),
    }
    return render(request, "notifications/digest.html", context)


HOUR_CHOICES = [(hour, f"{hour:02d}:00") for hour in range(24)]
PREFERENCES_FRAGMENT = "notifications/_preferences.html"


class PreferencesForm(forms.Form):
    digest_enabled = forms.BooleanField(required=False)
    digest_hour = forms.TypedChoiceField(
        choices=HOUR_CHOICES,
        coerce=int,
        error_messages={"invalid_choice": "Choose an hour from 00:00 to 23:00."},
    )


def _preferences_context(actor: Actor, form: PreferencesForm | None = None) -> dict[str, Any]:
    preference = notification_preference_get(actor=actor)
    initial = {"digest_enabled": preference.digest_enabled, "digest_hour": preference.digest_hour}
    return {
        "form": form or PreferencesForm(initial=initial),
        "hour_choices": HOUR_CHOICES,
        "timezone_name": actor.tenant.timezone,
    }


def _render_preferences(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render_page(
        request, "notifications/preferences.html", context, fragment=PREFERENCES_FRAGMENT, status=status
    )


@login_required
def notification_preferences_page(request: HttpRequest) -> HttpResponse:
    """The digest settings: a fragment the account page loads (htmx), or a page of its own."""
    actor = actor_of_page(request)
    if request.method == "GET":
        return _render_preferences(request, _preferences_context(actor))
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            notification_preference_update(
                actor=actor,
                digest_enabled=form.cleaned_data["digest_enabled"],
                digest_hour=form.cleaned_data["digest_hour"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            saved = notification_preference_get(actor=actor)
            text = (
                f"Saved: your digest arrives at {saved.digest_hour:02d}:00."
                if saved.digest_enabled
                else "Saved: no digest email from now on."
            )
            if not wants_fragment(request):
                messages.success(request, text)
                return redirect("account")
            return add_toast(_render_preferences(request, _preferences_context(actor)), text)
    return _render_preferences(request, _preferences_context(actor, form), status=422)
