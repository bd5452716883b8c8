"""A person's own account, at /account/: their name, their password and their API tokens.

Every signed-in member may use it, whatever their role. Writes go through the same services as the
API (``user_profile_update``, ``user_password_change``, ``api_token_create``, ``api_token_revoke``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from leora.errors import DomainError, NotFound
from leora.pages import actor_of_page, add_toast, form_add_domain_errors, render_page, wants_fragment
from leora.tenancy.actors import Actor
from leora.tenancy.models import Role
from leora.tenancy.selectors.tokens import api_token_get, api_token_list
from leora.tenancy.services.account import user_password_change, user_profile_update
from leora.tenancy.services.tokens import IssuedToken, api_token_create, api_token_revoke

TOKENS_FRAGMENT = "tenancy/account/_tokens.html"


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=200, required=False)


class PasswordForm(forms.Form):
    """Current password, then the new one twice; the password rules are the service's call."""

    current_password = forms.CharField(max_length=128, strip=False)
    new_password = forms.CharField(max_length=128, strip=False)
    new_password_again = forms.CharField(max_length=128, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", "The two new passwords are not the same.")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        error_messages={"required": "Give the token a name, such as the program that will use it."},
    )


def _context(
    actor: Actor,
    *,
    profile_form: ProfileForm | None = None,
    password_form: PasswordForm | None = None,
    token_form: TokenForm | None = None,
    issued: IssuedToken | None = None,
) -> dict[str, Any]:
    user = actor.user
    return {
        "user": user,
        "role_label": Role(actor.role).label if actor.role in Role.values else actor.role,
        "profile_form": profile_form or ProfileForm(initial={"full_name": user.full_name}),
        "password_form": password_form or PasswordForm(),
        "token_form": token_form or TokenForm(),
        "tokens": list(api_token_list(actor=actor)),
        "issued": issued,
    }


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render_page(
        request, "tenancy/account/index.html", context, fragment=TOKENS_FRAGMENT, status=status
    )


@login_required
@require_GET
def account_index(request: HttpRequest) -> HttpResponse:
    return _render(request, _context(actor_of_page(request)))


@login_required
@require_POST
def account_profile(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        user_profile_update(actor=actor, full_name=form.cleaned_data["full_name"])
        messages.success(request, "Saved your name.")
        return redirect("account")
    return _render(request, _context(actor, profile_form=form), status=422)


@login_required
@require_POST
def account_password(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    form = PasswordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = user_password_change(
                actor=actor, current_password=data["current_password"], new_password=data["new_password"]
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc)
        else:
            # The new password hash would end this session too; carry it over to the new hash.
            update_session_auth_hash(request, user)
            messages.success(request, "Password changed. Your other sign-ins have ended; this one stays.")
            return redirect("account")
    context = _context(actor, password_form=form)
    return _render(request, context, status=422)


@login_required
@require_POST
def account_token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its secret on this answer itself, once: never through a redirect or a
    flash message, which would keep it in a cookie."""
    actor = actor_of_page(request)
    form = TokenForm(request.POST)
    issued = None
    if form.is_valid():
        try:
            issued = api_token_create(tenant=actor.tenant, user=actor.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form_add_domain_errors(form, exc)
    if issued is None:
        return _render(request, _context(actor, token_form=form), status=422)
    response = _render(request, _context(actor, issued=issued))
    # The answer carries the secret: keep it out of every cache, including the back button's.
    response["Cache-Control"] = "no-store"
    if wants_fragment(request):
        add_toast(response, f"Created the token “{issued.token.name}”. Copy it now.")
    return response


@login_required
@require_POST
def account_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    try:
        token = api_token_get(actor=actor, token_id=token_id)
    except NotFound:
        raise Http404("No such token") from None
    api_token_revoke(token=token, actor=actor.user)
    text = f"Revoked the token “{token.name}”. Programs using it are refused from now on."
    if not wants_fragment(request):
        messages.success(request, text)
        return redirect("account")
    return add_toast(_render(request, _context(actor)), text)


urlpatterns = [
    path("", account_index, name="account"),
    path("profile/", account_profile, name="account_profile"),
    path("password/", account_password, name="account_password"),
    path("tokens/", account_token_create, name="account_token_create"),
    path("tokens/<id:token_id>/revoke/", account_token_revoke, name="account_token_revoke"),
]
