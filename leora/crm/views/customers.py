"""Customer pages: the searchable list (with its htmx fragment) and one customer's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from leora.crm.models import AccountType, CustomerStatus
from leora.crm.selectors.customer_detail import (
    CUSTOMER_PAGE_SORTS,
    DEFAULT_CUSTOMER_SORT,
    customer_detail_get,
    customer_page_rows,
)
from leora.crm.services.invoices import may_record_payment
from leora.errors import NotFound
from leora.pages import actor_of_page, page_slice, render_page

SEARCH_MAX_LENGTH = 100


def _choice(value: str | None, allowed: set[str]) -> str:
    # A page never answers 422: an unknown filter value is simply ignored, like a stale bookmark.
    return value if value in allowed else ""


@require_GET
@login_required
def customer_list_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    search = request.GET.get("search", "").strip()[:SEARCH_MAX_LENGTH]
    account_type = _choice(request.GET.get("account_type"), set(AccountType.values))
    status = _choice(request.GET.get("status"), set(CustomerStatus.values))
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in CUSTOMER_PAGE_SORTS:
        sort = DEFAULT_CUSTOMER_SORT
    rows = customer_page_rows(actor=actor, search=search, account_type=account_type, status=status, sort=sort)
    sort_choices = [
        ("name", "Name, A to Z"),
        ("-name", "Name, Z to A"),
        ("-last_order_date", "Latest order first"),
        ("last_order_date", "Oldest order first"),
        ("city", "City"),
        ("account_type", "Account type"),
    ]
    if sort not in dict(sort_choices):
        # Keep a column sort chosen on a wide screen when the narrow-screen select submits the form.
        sort_choices.append((sort, "Column order"))
    context = {
        "page": page_slice(request, rows),
        "search": search,
        "account_type": account_type,
        "status": status,
        "sort": sort,
        "filtered": bool(search or account_type or status),
        "account_types": AccountType.choices,
        "statuses": CustomerStatus.choices,
        "sort_choices": sort_choices,
    }
    return render_page(request, "crm/customers/list.html", context, fragment="crm/customers/_results.html")


@require_GET
@login_required
def customer_detail_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    try:
        detail = customer_detail_get(actor=actor, customer_id=customer_id)
    except NotFound:
        raise Http404("No such customer") from None
    context = {
        "detail": detail,
        "customer": detail.customer,
        "can_record_payment": may_record_payment(actor),
    }
    return render_page(request, "crm/customers/detail.html", context, fragment="crm/customers/_page.html")


urlpatterns: list[URLPattern] = [
    path("customers/", customer_list_page, name="customer_list"),
    path("customers/<id:customer_id>/", customer_detail_page, name="customer_detail"),
]
