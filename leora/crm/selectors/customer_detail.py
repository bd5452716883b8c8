"""Reads behind the customer pages: the list's rows and every section of a customer's page.

Both start from the role-scoped customer selectors, so another tenant's or another rep's customer is
absent (404) here exactly as in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import OrderBy

from leora.crm.models import (
    OPEN_TASK_STATUSES,
    Activity,
    Contact,
    Customer,
    Invoice,
    Order,
    OrderStatus,
    Task,
)
from leora.crm.selectors.activities import activity_list
from leora.crm.selectors.contacts import contact_list
from leora.crm.selectors.customers import customer_get, customer_list
from leora.crm.selectors.invoices import invoice_list, invoice_state
from leora.crm.selectors.orders import order_list
from leora.crm.selectors.tasks import task_list, task_ordering
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Tenant

# Sort keys the list page accepts, and the column each one orders by.
CUSTOMER_PAGE_SORTS = {
    "name": "name",
    "account_number": "account_number",
    "account_type": "account_type",
    "status": "status",
    "city": "city",
    "assigned_rep": "assigned_rep__full_name",
    "last_order_date": "last_order_date",
}
DEFAULT_CUSTOMER_SORT = "name"


def _last_order_date(tenant: Tenant) -> Subquery:
    # A correlated subquery rides the (tenant, customer, order_date) index and keeps the list query
    # free of GROUP BY, so counting and paging stay cheap on large books.
    return Subquery(
        Order.objects.for_tenant(tenant)
        .filter(customer_id=OuterRef("pk"))
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("-order_date")
        .values("order_date")[:1]
    )


def customer_page_rows(
    *,
    actor: Actor,
    search: str | None = None,
    account_type: str | None = None,
    status: str | None = None,
    sort: str = DEFAULT_CUSTOMER_SORT,
) -> QuerySet[Customer]:
    """Return the visible customers for the list page, with ``last_order_date``, sorted by ``sort``.

    ``sort`` is a key of CUSTOMER_PAGE_SORTS, optionally prefixed with "-"; customers that never
    ordered sort last either way.
    """
    customers = customer_list(actor=actor, search=search, account_type=account_type, status=status).annotate(
        last_order_date=_last_order_date(actor.tenant)
    )
    descending = sort.startswith("-")
    column = CUSTOMER_PAGE_SORTS.get(sort.lstrip("-"), DEFAULT_CUSTOMER_SORT)
    order: OrderBy = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return customers.order_by(order, "pk")


@dataclass(frozen=True)
class OrderStats:
    count: int
    last_order_date: date | None
    revenue_90_days: Decimal
    revenue_lifetime: Decimal


@dataclass(frozen=True)
class InvoiceTotals:
    balance_due: Decimal
    overdue: Decimal
    overdue_count: int


@dataclass(frozen=True)
class CustomerPanel:
    """A section another app adds to the customer page: ``template`` renders ``data`` (seen there as
    ``panel.data``), with ``stylesheet`` (a static path) linked in the page's head."""

    template: str
    data: Any
    stylesheet: str = ""


@dataclass(frozen=True)
class _PanelSource:
    template: str
    build: Callable[..., Any]
    stylesheet: str


_PANELS: dict[str, _PanelSource] = {}


def customer_panel_register(*, template: str, build: Callable[..., Any], stylesheet: str = "") -> None:
    """Add a section to every customer page: ``build(actor=, customer=, today=)`` returns what
    ``template`` shows. Apps built on crm register their sections from ``AppConfig.ready()``, so the
    page shows them while crm imports nothing above it (metrics adds the health panel this way)."""
    _PANELS[template] = _PanelSource(template=template, build=build, stylesheet=stylesheet)


@dataclass(frozen=True)
class CustomerDetail:
    customer: Customer
    today: date
    stats: OrderStats
    orders: list[Order]
    invoices: list[Invoice]
    invoice_totals: InvoiceTotals
    activities: list[Activity]
    contacts: list[Contact]
    open_tasks: list[Task]
    panels: list[CustomerPanel]
    # How many rows each list has in all (the page shows the newest few and links to the rest).
    activity_count: int = 0
    order_count: int = 0  # cancelled ones included, as on the orders page they link to
    contact_count: int = 0
    open_task_count: int = 0


def _outstanding() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def customer_order_stats(*, customer: Customer, today: date) -> OrderStats:
    """Return order count, last order date and revenue (orders not cancelled) of one customer."""
    orders = Order.objects.for_tenant(customer.tenant_id).filter(customer=customer)
    row = orders.exclude(status=OrderStatus.CANCELLED).aggregate(
        count=Count("id"),
        last=Max("order_date"),
        recent=Sum("total", filter=Q(order_date__gt=today - timedelta(days=90))),
        lifetime=Sum("total"),
    )
    return OrderStats(
        count=row["count"],
        last_order_date=row["last"],
        revenue_90_days=row["recent"] or Decimal("0"),
        revenue_lifetime=row["lifetime"] or Decimal("0"),
    )


def customer_invoices(*, actor: Actor, customer: Customer, today: date, limit: int = 10) -> list[Invoice]:
    """Return the customer's invoices as ``invoice_list`` sees them, open ones first (oldest due first),
    then the latest paid ones; each carries ``outstanding`` and its ``state`` (``invoice_state``)."""
    invoices = cast(
        "list[Invoice]",
        list(
            invoice_list(actor=actor, customer_id=customer.pk)
            .annotate(
                outstanding=_outstanding(),
                is_settled=Case(When(amount__lte=F("paid_amount"), then=Value(1)), default=Value(0)),
            )
            .order_by("is_settled", Case(When(is_settled=0, then=F("due_on"))), "-issued_on", "-pk")[:limit]
        ),
    )
    for invoice in invoices:
        invoice.state = invoice_state(invoice, today)  # type: ignore[attr-defined]
    return invoices


def customer_invoice_totals(*, customer: Customer, today: date) -> InvoiceTotals:
    """Return what the customer owes in total and how much of it is past due."""
    invoices = (
        Invoice.objects.for_tenant(customer.tenant_id)
        .filter(customer=customer, amount__gt=F("paid_amount"))
        .annotate(outstanding=_outstanding())
    )
    row = invoices.aggregate(
        due=Sum("outstanding"),
        overdue=Sum("outstanding", filter=Q(due_on__lt=today)),
        overdue_count=Count("id", filter=Q(due_on__lt=today)),
    )
    return InvoiceTotals(
        balance_due=row["due"] or Decimal("0"),
        overdue=row["overdue"] or Decimal("0"),
        overdue_count=row["overdue_count"],
    )


def _with_total(rows: QuerySet[Any]) -> QuerySet[Any]:
    # The count of every matching row rides on each row of the page's slice, so a section says how
    # many there are without a query of its own.
    return rows.annotate(total_rows=Window(Count("pk")))


def _total_of(rows: list[Any]) -> int:
    return int(rows[0].total_rows) if rows else 0


def customer_detail_get(*, actor: Actor, customer_id: int) -> CustomerDetail:
    """Return every section of one visible customer's page: eight queries, then those of the
    registered panels (``customer_panel_register``; the rhythm line takes two, the health panel three).

    Each section is read through the same list selector as its API endpoint filtered to this customer
    (``order_list``, ``invoice_list``, ``activity_list``, ``contact_list``, ``task_list``), so the page
    shows a person exactly the rows the API shows them. Raises NotFound for another tenant's customer or,
    for a rep or manager, a customer outside their book.
    """
    customer = customer_get(actor=actor, customer_id=customer_id)
    today = tenant_today(actor.tenant)
    orders = list(
        _with_total(
            order_list(actor=actor, customer_id=customer.pk)
            # The page shows a line count, not the lines: count them in the same query.
            .prefetch_related(None)
            .annotate(line_count=Count("lines"))
        ).order_by("-order_date", "-pk")[:10]
    )
    activities = list(
        _with_total(activity_list(actor=actor, customer_id=customer.pk)).order_by("-occurred_at", "-pk")[:12]
    )
    contacts = list(
        _with_total(contact_list(actor=actor, customer_id=customer.pk)).order_by("-is_primary", "name")[:50]
    )
    tasks = list(
        task_ordering(
            _with_total(task_list(actor=actor, customer_id=customer.pk, statuses=OPEN_TASK_STATUSES)), None
        )[:20]
    )
    return CustomerDetail(
        customer=customer,
        today=today,
        stats=customer_order_stats(customer=customer, today=today),
        orders=cast("list[Order]", orders),
        order_count=_total_of(orders),
        invoices=customer_invoices(actor=actor, customer=customer, today=today),
        invoice_totals=customer_invoice_totals(customer=customer, today=today),
        activities=activities,
        contacts=contacts,
        open_tasks=tasks,
        open_task_count=_total_of(tasks),
        activity_count=_total_of(activities),
        contact_count=_total_of(contacts),
        panels=[
            CustomerPanel(
                template=source.template,
                data=source.build(actor=actor, customer=customer, today=today),
                stylesheet=source.stylesheet,
            )
            for source in _PANELS.values()
        ],
    )
