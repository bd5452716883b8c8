"""Search everywhere: the top bar's search box asks for its results here as you type (an htmx
fragment: a listbox of links, grouped by kind), and without JavaScript the same URL is a page of its
own. Both read the one selector behind /api/search, so the box never finds what the API would hide.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from leora.crm.selectors.search import SEARCH_MIN_LENGTH, search
from leora.pages import actor_of_page, render_page


@login_required
@require_GET
def search_results(request: HttpRequest) -> HttpResponse:
    """The results for ``?q=``: the box's listbox for htmx, a page otherwise."""
    actor = actor_of_page(request)
    results = search(actor=actor, text=request.GET.get("q"))
    context = {"results": results, "min_length": SEARCH_MIN_LENGTH}
    return render_page(request, "crm/search/page.html", context, fragment="crm/search/_results.html")


urlpatterns = [path("search/", search_results, name="search_results")]
