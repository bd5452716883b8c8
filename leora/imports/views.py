"""The imports pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leora.pages import actor_of_page


@require_GET
@login_required
def import_list_page(request: HttpRequest) -> HttpResponse:
    actor_of_page(request)
    return render(request, "imports/import_list.html", {})
