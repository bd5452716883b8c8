"""The call plan pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from leora.pages import actor_of_page
from leora.tenancy.calendar import week_bounds


@require_GET
@login_required
def callplan_home(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    return redirect("callplan_week", week=week_bounds(actor.tenant)[0].isoformat())


@require_GET
@login_required
def callplan_week(request: HttpRequest, week: str) -> HttpResponse:
    actor_of_page(request)
    return HttpResponse("")
