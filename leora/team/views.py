"""The team pages, at /team/: the people an admin or manager leads, an admin's forms to add and edit
them, and moving a person's customers to someone else. Reads and writes go through the same selectors
and services as /api/users; the rules (who may do what) are the services', and a refusal answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from leora.crm.services.books import customers_reassign
from leora.errors import DomainError, NotFound
from leora.pages import (
    actor_of_page,
    form_add_domain_errors,
    page_slice,
    refusals_as_403,
    render_page,
    wants_fragment,
)
from leora.team.selectors import (
    RepPerformance,
    TeamPerformance,
    reassign_targets,
    team_member_get,
    team_member_list,
    team_performance,
)
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Membership, Role
from leora.tenancy.selectors.members import manager_choices
from leora.tenancy.services.members import (
    may_reset_password,
    member_create,
    member_password_reset,
    member_update,
)

SEARCH_MAX_LENGTH = 100
# Page sort keys and the team_member_list annotations they order by.
TEAM_SORTS = {
    "name": "full_name",
    "email": "email",
    "role": "role",
    "customers": "customer_count",
    "last_login": "last_login",
    "active": "is_active",
}
DEFAULT_SORT = "name"
ROLE_BADGES = {Role.ADMIN: "badge-accent", Role.MANAGER: "badge-outline", Role.SALES_REP: ""}
# Where the services' error fields are called something else on the forms.
FORM_FIELD_OF = {"manager_id": "manager", "to_user_id": "to_user"}


class MemberForm(forms.Form):
    """The admin's "Add a person" form; who may lead whom and password rules are the service's call."""

    email = forms.EmailField(max_length=254)
    full_name = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.SALES_REP)
    manager = forms.IntegerField(required=False)
    password = forms.CharField(max_length=128, required=False, strip=False, widget=forms.PasswordInput)


class MemberEditForm(forms.Form):
    full_name = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    manager = forms.IntegerField(required=False)
    is_active = forms.BooleanField(required=False)


class ReassignForm(forms.Form):
    to_user = forms.IntegerField(label="New owner")


class PasswordResetForm(forms.Form):
    password = forms.CharField(max_length=128, required=False, strip=False, widget=forms.PasswordInput)


def _leader(request: HttpRequest) -> Actor:
    actor = actor_of_page(request)
    require_role(actor, Role.ADMIN, Role.MANAGER, message="The team pages are for admins and managers.")
    return actor


def _member_or_404(actor: Actor, user_id: int) -> Membership:
    try:
        return team_member_get(actor=actor, user_id=user_id)
    except NotFound:
        raise Http404("No such person") from None


def _role_badge(role: str) -> str:
    return ROLE_BADGES.get(Role(role), "") if role in Role.values else ""


def _list_context(request: HttpRequest, actor: Actor, form: MemberForm | None = None) -> dict[str, Any]:
    search = request.GET.get("search", "").strip()[:SEARCH_MAX_LENGTH]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    active = request.GET.get("active", "")
    active = active if active in {"yes", "no"} else ""
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in TEAM_SORTS:
        sort = DEFAULT_SORT
    members = team_member_list(
        actor=actor,
        search=search,
        role=role or None,
        is_active={"yes": True, "no": False}.get(active),
    )
    column = F(TEAM_SORTS[sort.lstrip("-")])
    # People who never signed in sort after everyone else either way, on SQLite and PostgreSQL alike.
    order = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    members = members.order_by(order, "user__email")
    page = page_slice(request, members)
    return {
        "page": page,
        "rows": [(member, _role_badge(member.role)) for member in page.items],
        "search": search,
        "role": role,
        "active": active,
        "sort": sort,
        "filtered": bool(search or role or active),
        "roles": Role.choices,
        "form": form or (MemberForm(initial={"role": Role.SALES_REP}) if actor.is_admin else None),
        "managers": list(manager_choices(tenant=actor.tenant)) if actor.is_admin else [],
    }


@login_required
@refusals_as_403
@require_GET
def team_index(request: HttpRequest) -> HttpResponse:
    actor = _leader(request)
    return render_page(
        request,
        "team/index.html",
        _list_context(request, actor),
        fragment="team/_results.html",
    )


@dataclass(frozen=True)
class PerformanceRow:
    """A rep's week with the lists behind each number: the dashboard's drilldowns narrowed to the rep,
    and the activities page filtered to them and this week."""

    perf: RepPerformance
    member_url: str
    this_week_url: str
    last_week_url: str
    activities_url: str
    at_risk_url: str


def _performance_rows(performance: TeamPerformance) -> list[PerformanceRow]:
    def drilldown(name: str, rep_id: int) -> str:
        return f"{reverse('drilldown', args=[name])}?{urlencode({'rep_id': rep_id})}"

    week = {
        "occurred_from": performance.week_start.isoformat(),
        "occurred_to": performance.week_end.isoformat(),
    }
    return [
        PerformanceRow(
            perf=row,
            member_url=reverse("team_member", args=[row.person.pk]),
            this_week_url=drilldown("this-week-revenue", row.person.pk),
            last_week_url=drilldown("last-week-revenue", row.person.pk),
            activities_url=f"{reverse('activity_list')}?{urlencode({'rep': row.person.pk, **week})}",
            at_risk_url=drilldown("at-risk-cadence", row.person.pk),
        )
        for row in performance.rows
    ]


@login_required
@refusals_as_403
@require_GET
def team_performance_page(request: HttpRequest) -> HttpResponse:
    """Each rep's week against quota, their activities and customers at risk: the Team page loads it
    into its reserved box; without JavaScript it is a page of its own."""
    actor = _leader(request)
    performance = team_performance(actor=actor, today=tenant_today(actor.tenant))
    context = {"performance": performance, "rows": _performance_rows(performance)}
    return render_page(request, "team/performance.html", context, fragment="team/_performance.html")


@login_required
@refusals_as_403
@require_POST
def team_add(request: HttpRequest) -> HttpResponse:
    """Add a person; the generated password is shown on the answer itself, once, never via a redirect
    (flash messages ride in a cookie)."""
    actor = _leader(request)
    require_role(actor, Role.ADMIN, message="Only an admin adds people.")
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = member_create(
                actor=actor,
                tenant=actor.tenant,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                manager_id=data["manager"],
                password=data["password"] or None,
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF)
        else:
            context = _list_context(request, actor)
            context["created"] = {
                "user": created.membership.user,
                "role": Role(created.membership.role).label,
                "password": created.initial_password,
            }
            response = render(request, "team/index.html", context)
            # The answer carries a password: keep it out of every cache.
            response["Cache-Control"] = "no-store"
            return response
    context = _list_context(request, actor, form=form)
    context["form_open"] = True
    return render(request, "team/index.html", context, status=422)


def _detail_context(
    actor: Actor,
    member: Membership,
    edit_form: MemberEditForm | None = None,
    reassign_form: ReassignForm | None = None,
    reset_form: PasswordResetForm | None = None,
) -> dict[str, Any]:
    # A visible member is in a manager's team, so a manager may move their customers within it.
    can_reassign = actor.leads_people
    if edit_form is None and actor.is_admin:
        edit_form = MemberEditForm(
            initial={
                "full_name": member.user.full_name,
                "role": member.role,
                "manager": member.manager_id,
                "is_active": member.user.is_active,
            }
        )
    managers = (
        [u for u in manager_choices(tenant=actor.tenant) if u.pk != member.user_id] if actor.is_admin else []
    )
    if member.manager is not None and member.manager not in managers and actor.is_admin:
        # Keep a deactivated manager visible as the current choice rather than silently dropping it.
        managers.insert(0, member.manager)
    return {
        "member": member,
        "role_badge": _role_badge(member.role),
        "is_self": member.user_id == actor.user.pk,
        "edit_form": edit_form,
        "managers": managers,
        "roles": Role.choices,
        "can_reassign": can_reassign,
        "reassign_form": reassign_form or ReassignForm(),
        "targets": list(reassign_targets(actor=actor, member=member)) if can_reassign else [],
        "can_reset_password": may_reset_password(actor=actor, user_id=member.user_id),
        "reset_form": reset_form or PasswordResetForm(),
    }


@login_required
@refusals_as_403
@require_GET
def team_member(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _leader(request)
    member = _member_or_404(actor, user_id)
    return render(request, "team/member.html", _detail_context(actor, member))


@login_required
@refusals_as_403
@require_POST
def team_member_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _leader(request)
    member = _member_or_404(actor, user_id)
    require_role(actor, Role.ADMIN, message="Only an admin edits people.")
    form = MemberEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        changes = {
            "full_name": data["full_name"],
            "role": data["role"],
            "manager_id": data["manager"],
            "is_active": data["is_active"],
        }
        was_active = member.user.is_active
        try:
            change = member_update(actor=actor, membership=member, changes=changes)
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF)
        else:
            user = change.membership.user
            text = f"Saved {user.display_name}."
            if was_active and not user.is_active:
                text = (
                    f"{user.display_name} is deactivated: signed out, {change.revoked_tokens} API "
                    f"token{'s' if change.revoked_tokens != 1 else ''} revoked. Their customers stay "
                    "assigned to them until you move them."
                )
            messages.success(request, text)
            return redirect("team_member", user_id=user_id)
    context = _detail_context(actor, member, edit_form=form)
    return render(request, "team/member.html", context, status=422)


@login_required
@refusals_as_403
@require_POST
def team_member_reassign(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _leader(request)
    member = _member_or_404(actor, user_id)
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            result = customers_reassign(
                actor=actor, from_user_id=member.user_id, to_user_id=form.cleaned_data["to_user"]
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF, forbidden_field="to_user")
        else:
            moved = result.moved
            if moved:
                messages.success(
                    request,
                    f"Moved {moved} customer{'s' if moved != 1 else ''} from {result.from_user.display_name} "
                    f"to {result.to_user.display_name}.",
                )
            else:
                messages.info(request, f"{result.from_user.display_name} had no customers to move.")
            return redirect("team_member", user_id=user_id)
    context = _detail_context(actor, member, reassign_form=form)
    context["reassign_open"] = True
    return render(request, "team/member.html", context, status=422)


@login_required
@refusals_as_403
@require_POST
def team_member_reset_password(request: HttpRequest, user_id: int) -> HttpResponse:
    """Give someone a new password. A generated one is shown on this answer itself, once (never via a
    redirect), and an htmx request gets just the password card back."""
    actor = _leader(request)
    member = _member_or_404(actor, user_id)
    require_role(actor, Role.ADMIN, message="Only an admin resets passwords.")
    if member.user_id == actor.user.pk:
        # The service refuses it too; on the page the admin is taken to where they can change it.
        return redirect(reverse("account") + "#password")
    form = PasswordResetForm(request.POST)
    reset = None
    if form.is_valid():
        try:
            reset = member_password_reset(
                actor=actor, membership=member, password=form.cleaned_data["password"] or None
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF)
    context = _detail_context(actor, member, reset_form=None if reset else form)
    context["password_reset"] = reset
    template = "team/_password_card.html" if wants_fragment(request) else "team/member.html"
    response = render(request, template, context, status=200 if reset else 422)
    # The answer may carry a password: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response
