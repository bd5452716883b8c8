"""Order pages: the orders list (/orders/), one order's page, and the order form (new from a customer's
page, edit from the order's row or page) that opens in the shared form modal. Every read goes through
the selectors of /api/orders and every write through order_create / order_update, so the pages and the
API keep one set of rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leora.crm.models import Customer, Order, OrderStatus, Product
from leora.crm.selectors.customers import customer_get
from leora.crm.selectors.orders import (
    ORDER_ORDERING,
    customer_last_order,
    order_detail_get,
    order_get,
    order_list,
    order_totals,
)
from leora.crm.selectors.products import product_list
from leora.crm.services.invoices import may_record_payment
from leora.crm.services.orders import MAX_QUANTITY, LineRequest, order_create, order_update
from leora.errors import DomainError, FieldError, InvalidInput, NotFound
from leora.pages import (
    actor_of_page,
    add_toast,
    form_page,
    form_saved,
    page_slice,
    render_page,
    safe_next,
    url_with,
    wants_fragment,
)
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.selectors.members import assignable_people
from leora.web.formatting import format_money

SEARCH_MAX_LENGTH = 100
DEFAULT_ORDER_SORT = "-order_date"
PRODUCT_OPTIONS_LIMIT = 8
STATUS_BADGES = {
    OrderStatus.DRAFT: "badge-outline",
    OrderStatus.SUBMITTED: "badge",
    OrderStatus.FULFILLED: "badge-success",
    OrderStatus.CANCELLED: "badge-muted",
}
# Statuses a new order may be given (the API refuses a new cancelled order too).
NEW_ORDER_STATUSES = [
    (value, label) for value, label in OrderStatus.choices if value != OrderStatus.CANCELLED
]


def status_badge(status: str) -> str:
    """Return the badge class of an order status."""
    return STATUS_BADGES.get(OrderStatus(status), "badge")


def page_order(actor: Actor, order_id: int) -> Order:
    """Return an order the actor can see, or answer 404 (another tenant's, another rep's)."""
    try:
        return order_get(actor=actor, order_id=order_id)
    except NotFound:
        raise Http404("No such order") from None


def _page_customer(actor: Actor, customer_id: int) -> Customer:
    try:
        return customer_get(actor=actor, customer_id=customer_id)
    except NotFound:
        raise Http404("No such customer") from None


def _date_param(request: HttpRequest, name: str) -> date | None:
    try:
        return date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


# ---------------------------------------------------------------------------------------------------
# The orders list


@require_GET
@login_required
def order_list_page(request: HttpRequest) -> HttpResponse:
    """Orders in the person's scope: search, filters by status, date range, customer and (for people
    who lead a team) rep, the totals of the filtered rows and pages of 25."""
    actor = actor_of_page(request)
    search = request.GET.get("search", "").strip()[:SEARCH_MAX_LENGTH]
    status = request.GET.get("status", "")
    status = status if status in OrderStatus.values else ""
    date_from, date_to = _date_param(request, "from"), _date_param(request, "to")
    date_error = ""
    if date_from and date_to and date_from > date_to:
        # A page never answers 422 for a filter: say what is wrong and list without the dates.
        date_error = "The start date is after the end date; showing every date."
        date_from = date_to = None
    customer_id = _int_param(request, "customer")
    rep_id = _int_param(request, "rep") if actor.leads_people else None
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in ORDER_ORDERING:
        sort = DEFAULT_ORDER_SORT
    orders = order_list(
        actor=actor,
        search=search,
        status=status or None,
        customer_id=customer_id,
        rep_id=rep_id,
        order_date_from=date_from,
        order_date_to=date_to,
    )
    customer = None
    if customer_id is not None:
        try:
            customer = customer_get(actor=actor, customer_id=customer_id)
        except NotFound:
            customer = None  # the filter still applies: a customer one cannot see has no orders here
    rows = orders.prefetch_related(None).annotate(line_count=Count("lines")).order_by(sort, "-pk")
    filtered = bool(search or status or date_from or date_to or customer_id or rep_id)
    page = page_slice(request, rows)
    for order in page.items:
        order.status_badge = status_badge(order.status)
    context = {
        "page": page,
        "totals": order_totals(orders),
        "search": search,
        "status": status,
        "date_from": date_from,
        "date_to": date_to,
        "date_error": date_error,
        "customer": customer,
        "customer_id": customer_id,
        "rep_id": rep_id,
        "sort": sort,
        "filtered": filtered,
        "statuses": OrderStatus.choices,
        "people": list(assignable_people(actor=actor)) if actor.leads_people else [],
        "clear_customer_url": url_with(request, customer=None, page=None),
    }
    return render_page(request, "crm/orders/list.html", context, fragment="crm/orders/_results.html")


# ---------------------------------------------------------------------------------------------------
# One order's page


@require_GET
@login_required
def order_detail_page(request: HttpRequest, order_id: int) -> HttpResponse:
    actor = actor_of_page(request)
    try:
        detail = order_detail_get(actor=actor, order_id=order_id)
    except NotFound:
        raise Http404("No such order") from None
    context = {
        "detail": detail,
        "order": detail.order,
        "status_badge": status_badge(detail.order.status),
        "can_record_payment": may_record_payment(actor),
    }
    return render_page(request, "crm/orders/detail.html", context, fragment="crm/orders/_detail_body.html")


@require_POST
@login_required
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    """Cancel an order (the detail page's and the customer page's Cancel button, after a confirm)."""
    actor = actor_of_page(request)
    order = page_order(actor, order_id)
    back_url = safe_next(request, reverse("order_detail", args=[order.pk]))
    try:
        order_update(actor=actor, order=order, changes={"status": OrderStatus.CANCELLED})
    except DomainError as exc:
        if wants_fragment(request):
            refused = HttpResponse(status=exc.status)
            refused["HX-Reswap"] = "none"
            return add_toast(refused, exc.detail, "error")
        messages.error(request, exc.detail)
        return redirect(back_url)
    return form_saved(request, f"Order {order.order_number} cancelled.", redirect_to=back_url)


# ---------------------------------------------------------------------------------------------------
# The order form: lines posted as parallel lists, checked here for shape and by the service for rules


@dataclass
class LineInput:
    """One line of the order form as typed, with what the page shows beside it and its errors."""

    product_id: str
    quantity: str
    unit_price: str
    product: Product | None = None
    errors: dict[str, str] = field(default_factory=dict)
    # What the line's control ids are built from: its position, or a placeholder the script replaces.
    key: str = ""

    @property
    def quantity_id(self) -> str:
        return f"line-{self.key}-quantity"

    @property
    def price_id(self) -> str:
        return f"line-{self.key}-price"

    @property
    def line_total(self) -> Decimal | None:
        try:
            return (Decimal(self.unit_price or "0") * int(self.quantity)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            return None


class OrderForm(forms.Form):
    """The order's own fields; its lines are LineInputs beside it."""

    order_date = forms.DateField(label="Order date", widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=NEW_ORDER_STATUSES, initial=OrderStatus.SUBMITTED)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["status"].choices = OrderStatus.choices  # type: ignore[attr-defined]


def _posted_lines(data: QueryDict) -> list[LineInput]:
    products = data.getlist("line_product")
    quantities = data.getlist("line_quantity")
    prices = data.getlist("line_price")
    count = max(len(products), len(quantities), len(prices))

    def at(values: list[str], index: int) -> str:
        return values[index].strip() if index < len(values) else ""

    return [LineInput(at(products, i), at(quantities, i), at(prices, i)) for i in range(count)]


def _line_requests(lines: list[LineInput]) -> list[LineRequest]:
    """Parse the typed lines; a line that is not a number where one is needed is a 422 naming it."""
    errors: list[FieldError] = []
    requests: list[LineRequest] = []
    for index, line in enumerate(lines):
        field_base = f"lines.{index}"
        product_id = int(line.product_id) if line.product_id.isdigit() else None
        if product_id is None:
            errors.append(FieldError(f"{field_base}.product_id", "choose a product"))
        try:
            quantity = int(line.quantity)
        except ValueError:
            errors.append(FieldError(f"{field_base}.quantity", "enter a whole number"))
            quantity = 0
        price: Decimal | None = None
        if line.unit_price:
            try:
                price = Decimal(line.unit_price.replace(",", ""))
                if not price.is_finite() or price != price.quantize(Decimal("0.01")):
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(FieldError(f"{field_base}.unit_price", "enter a price like 18.50"))
        if product_id is not None:
            requests.append(LineRequest(product_id=product_id, quantity=quantity, unit_price=price))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors)
    return requests


LINE_FIELDS = {"product_id": "product", "quantity": "quantity", "unit_price": "unit_price"}


def _attach_line_errors(form: OrderForm, lines: list[LineInput], exc: DomainError) -> None:
    """Show each of the service's errors beside the field it names: a line's own field, or the form's."""
    for error in exc.errors:
        parts = error.field.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(lines):
            lines[int(parts[1])].errors[LINE_FIELDS.get(parts[2], parts[2])] = error.message
        elif error.field == "lines":
            form.add_error(None, f"Lines: {error.message}.")
        else:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    if not exc.errors:
        form.add_error(None, exc.detail)


def _with_products(actor: Actor, lines: list[LineInput]) -> None:
    ids = {int(line.product_id) for line in lines if line.product_id.isdigit()}
    products = product_list(actor=actor).in_bulk(ids) if ids else {}
    for line in lines:
        line.product = products.get(int(line.product_id)) if line.product_id.isdigit() else None


def currency_format(code: str) -> dict[str, Any]:
    """How the form's script writes money so it reads like the server's format_money: the text before
    the digits ("$", "SEK ") and the number of decimals."""
    zero = format_money(Decimal("0"), code)
    prefix = zero[: zero.index("0")]
    places = len(zero.split(".", 1)[1]) if "." in zero else 0
    return {"prefix": prefix, "places": places}


def _order_form_page(
    request: HttpRequest,
    *,
    actor: Actor,
    customer: Customer,
    form: OrderForm,
    lines: list[LineInput],
    order: Order | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    if order is None:
        action = reverse("customer_order_new", args=[customer.pk])
        title = f"New order · {customer.name}"
        back = reverse("customer_detail", args=[customer.pk])
    else:
        action = reverse("order_edit", args=[order.pk])
        title = f"Edit order {order.order_number}"
        back = reverse("order_detail", args=[order.pk])
    lines_editable = order is None or order.status in (OrderStatus.DRAFT, OrderStatus.SUBMITTED)
    for index, line in enumerate(lines):
        line.key = str(index)
    total = sum((line.line_total or Decimal("0") for line in lines), Decimal("0"))
    context = {
        "form": form,
        "lines": lines,
        "new_line": LineInput("", "1", "", key="__index__"),
        "lines_editable": lines_editable,
        "order": order,
        "customer": customer,
        "action": action,
        "total": total,
        "notice": notice,
        "max_quantity": MAX_QUANTITY,
        "currency": currency_format(actor.tenant.currency),
        "repeat_url": f"{action}?repeat=1" if order is None else "",
        "has_previous_order": order is None
        and customer_last_order(actor=actor, customer=customer) is not None,
    }
    return form_page(
        request,
        "crm/orders/form.html",
        context,
        title=title,
        back_url=safe_next(request, back),
        status=status,
    )


def _repeat_lines(actor: Actor, customer: Customer) -> tuple[list[LineInput], str]:
    """The lines of the customer's previous order at today's prices, and a note of what was left out."""
    previous = customer_last_order(actor=actor, customer=customer)
    if previous is None:
        return [], "This customer has no previous order to repeat."
    lines, skipped = [], []
    for line in previous.lines.all():
        if not line.product.active:
            skipped.append(line.product.name)
            continue
        lines.append(
            LineInput(
                str(line.product_id), str(line.quantity), str(line.product.unit_price), product=line.product
            )
        )
    notice = f"Lines of {previous.order_number} ({previous.order_date:%-d %b %Y}) at today's prices."
    if skipped:
        notice += f" Left out, no longer sold: {', '.join(skipped)}."
    return lines, notice


@login_required
@require_http_methods(["GET", "POST"])
def customer_order_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Take an order for a customer: GET the form (``?repeat=1`` prefills the previous order's lines),
    POST it to order_create."""
    actor = actor_of_page(request)
    customer = _page_customer(actor, customer_id)
    if request.method == "GET":
        form = OrderForm(initial={"order_date": tenant_today(actor.tenant), "status": OrderStatus.SUBMITTED})
        lines, notice = _repeat_lines(actor, customer) if request.GET.get("repeat") == "1" else ([], "")
        return _order_form_page(
            request, actor=actor, customer=customer, form=form, lines=lines, notice=notice
        )
    form = OrderForm(request.POST)
    lines = _posted_lines(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = order_create(
                actor=actor,
                customer_id=customer.pk,
                lines=_line_requests(lines),
                order_date=data["order_date"],
                status=data["status"],
                notes=data["notes"].strip(),
            )
        except DomainError as exc:
            _attach_line_errors(form, lines, exc)
        else:
            total = format_money(order.total, actor.tenant.currency)
            text = f"Order {order.order_number} saved for {customer.name}: {total}."
            return form_saved(
                request, text, redirect_to=safe_next(request, reverse("customer_detail", args=[customer.pk]))
            )
    elif not lines:
        form.add_error(None, "Add at least one product.")
    _with_products(actor, lines)
    return _order_form_page(request, actor=actor, customer=customer, form=form, lines=lines, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def order_edit(request: HttpRequest, order_id: int) -> HttpResponse:
    """Edit an order's lines (until it is fulfilled), date, status (cancelling included) and notes."""
    actor = actor_of_page(request)
    order = page_order(actor, order_id)
    if order.status == OrderStatus.CANCELLED:
        return HttpResponse("A cancelled order cannot be edited.", status=409, content_type="text/plain")
    customer = order.customer
    if request.method == "GET":
        form = OrderForm(
            initial={"order_date": order.order_date, "status": order.status, "notes": order.notes},
            editing=True,
        )
        lines = [
            LineInput(str(line.product_id), str(line.quantity), str(line.unit_price), product=line.product)
            for line in order.lines.all()
        ]
        return _order_form_page(request, actor=actor, customer=customer, form=form, lines=lines, order=order)
    form = OrderForm(request.POST, editing=True)
    lines_editable = order.status in (OrderStatus.DRAFT, OrderStatus.SUBMITTED)
    lines = (
        _posted_lines(request.POST)
        if lines_editable
        else [
            LineInput(str(line.product_id), str(line.quantity), str(line.unit_price), product=line.product)
            for line in order.lines.all()
        ]
    )
    if form.is_valid():
        data = form.cleaned_data
        changes: dict[str, Any] = {
            "order_date": data["order_date"],
            "status": data["status"],
            "notes": data["notes"].strip(),
        }
        try:
            if lines_editable:
                changes["lines"] = _line_requests(lines)
            order_update(actor=actor, order=order, changes=changes)
        except DomainError as exc:
            _attach_line_errors(form, lines, exc)
        else:
            text = f"Order {order.order_number} saved: {format_money(order.total, actor.tenant.currency)}."
            if order.status == OrderStatus.CANCELLED:
                text = f"Order {order.order_number} cancelled."
            return form_saved(
                request, text, redirect_to=safe_next(request, reverse("order_detail", args=[order.pk]))
            )
    elif lines_editable and not lines:
        form.add_error(None, "Add at least one product.")
    if lines_editable:
        _with_products(actor, lines)
    return _order_form_page(
        request, actor=actor, customer=customer, form=form, lines=lines, order=order, status=422
    )


@require_GET
@login_required
def order_product_options(request: HttpRequest) -> HttpResponse:
    """The picker's options: active products matching the name, SKU or brand typed so far."""
    actor = actor_of_page(request)
    term = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    products: QuerySet[Product] | list[Product] = []
    if term:
        products = product_list(actor=actor, search=term, active=True).order_by("name", "pk")[
            :PRODUCT_OPTIONS_LIMIT
        ]
    return render(
        request,
        "crm/orders/_product_options.html",
        {"products": list(products), "term": term, "currency_code": actor.tenant.currency},
    )


urlpatterns: list[URLPattern] = [
    path("orders/", order_list_page, name="order_list"),
    path("orders/product-options/", order_product_options, name="order_product_options"),
    path("orders/<id:order_id>/", order_detail_page, name="order_detail"),
    path("orders/<id:order_id>/edit/", order_edit, name="order_edit"),
    path("orders/<id:order_id>/cancel/", order_cancel, name="order_cancel"),
    path("customers/<id:customer_id>/orders/new/", customer_order_new, name="customer_order_new"),
]
