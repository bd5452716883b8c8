"""Customer facts: per-customer aggregates of the order, invoice and activity history, kept current.

``CustomerFacts`` holds what the formula compiler would otherwise recompute from every customer's
whole history on every query: order count, first and last order date, lifetime revenue, the median
of the last up to 12 gaps between orders, the balance due and the last activity. The rolling windows
(revenue and distinct products of the last 30/90 days, the 90 days before and the same 90 days last
year) and the overdue balance depend on the day; they are stored as of ``windows_as_of`` with the due
dates that tell another day whether they still hold, and readers fall back to the raw rows when not.

How the facts stay current, one rule: every write that changes an input refreshes the facts of the
customers it touched, in its own transaction.

* Model signals (``post_save``/``post_delete`` of Order, OrderLine, Invoice and Activity, and a new
  Customer) call ``facts_touch``; inside ``facts_deferred()`` (the order services, which write an
  order and its lines together) the customers are collected and refreshed once when the block ends.
* Bulk writes that bypass model signals send ``crm.signals.book_changed`` with ``customer_ids``.
* ``facts_rebuild`` recomputes a tenant (or some of its customers) in batches: the nightly
  ``customer_facts_rebuild`` job, ``leora rebuild_facts`` and the demo seeder use it.

crm owns this module: the facts are crm data derived from crm rows, and crm imports neither metrics
nor dashboard; the formula catalog reads the table.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from leora.crm.models import (
    Customer,
    CustomerFacts,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
)
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Tenant

# The newest orders whose gaps make the usual interval: 13 orders, 12 gaps.
MEDIAN_GAP_WINDOW = 12
# Rolling windows: (start, end) days back, an order counts when today - start < date <= today - end.
REVENUE_WINDOWS = {
    "revenue_last_30_days": (30, 0),
    "revenue_last_90_days": (90, 0),
    "revenue_prior_90_days": (180, 90),
    "revenue_same_90_days_last_year": (455, 365),
}
PRODUCT_WINDOWS = {
    "distinct_products_last_90_days": (90, 0),
    "distinct_products_prior_90_days": (180, 90),
}
REBUILD_BATCH = 2000
# Order ids per read of their lines (well under SQLite's limit of bound parameters).
LINE_LOOKUP_CHUNK = 2000
ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
UPDATED_FIELDS = [f.name for f in CustomerFacts._meta.concrete_fields if f.name not in {"customer", "tenant"}]

Progress = Callable[[int, int], None]


def _median(gaps: list[float]) -> float | None:
    # The middle one or the mean of the middle two, as the compiler's MedianOrderGap does; under
    # two gaps (three orders) there is no usual interval.
    if len(gaps) < 2:
        return None
    ordered = sorted(gaps)
    count = len(ordered)
    middle = sorted({(count + 1) // 2, (count + 2) // 2})
    return sum(ordered[k - 1] for k in middle) / len(middle)


@dataclass
class _Batch:
    """The customers of one refresh and how their rows are selected."""

    tenant_id: int
    ids: list[int]
    contiguous: bool  # every tenant customer with an id between the first and last is in ``ids``

    def of(self, queryset: QuerySet[Any], column: str = "customer_id") -> QuerySet[Any]:
        if len(self.ids) == 1:
            return queryset.filter(**{column: self.ids[0]})
        if self.contiguous:
            # A range keeps the statement small and uses the (tenant, customer, ...) indexes.
            return queryset.filter(**{f"{column}__gte": self.ids[0], f"{column}__lte": self.ids[-1]})
        return queryset.filter(**{f"{column}__in": self.ids})


class _Windows:
    """The day bounds of the rolling windows as of one day: a date is in (start, end]."""

    def __init__(self, as_of: date) -> None:
        self.revenue = {
            name: (as_of - timedelta(days=start), as_of - timedelta(days=end))
            for name, (start, end) in REVENUE_WINDOWS.items()
        }
        self.products = {
            name: (as_of - timedelta(days=start), as_of - timedelta(days=end))
            for name, (start, end) in PRODUCT_WINDOWS.items()
        }
        self.recent = (as_of - timedelta(days=90), as_of)
        self.products_span = (
            min(low for low, _ in self.products.values()),
            max(high for _, high in self.products.values()),
        )


def compute_facts(
    *, tenant_id: int, customer_ids: Sequence[int], as_of: date, contiguous: bool = False
) -> list[CustomerFacts]:
    """Return unsaved facts rows of ``customer_ids`` (customers of ``tenant_id``) as of ``as_of``.

    Four plain reads (the customers with their last activity, orders, the lines of the windows'
    orders, invoices; the lines in chunks of 2,000 orders), aggregated here: cheap enough to run on
    every write, and one code path for a single customer and for a rebuild batch. Customers that no
    longer exist are left out.
    """
    wanted = sorted(set(customer_ids))
    if not wanted:
        return []
    # Which of them still exist (one may have been deleted in the same transaction) and the time of
    # each one's latest activity, in one read.
    existing = (
        _Batch(tenant_id, wanted, contiguous)
        .of(Customer.objects.for_tenant(tenant_id), "pk")
        .order_by()
        .values_list("pk")
        .annotate(last=Max("activities__occurred_at"))
    )
    now = timezone.now()
    rows = {
        pk: CustomerFacts(
            tenant_id=tenant_id, customer_id=pk, windows_as_of=as_of, refreshed_at=now, last_activity_at=last
        )
        for pk, last in existing
    }
    if not rows:
        return []
    batch = _Batch(tenant_id, sorted(rows), contiguous)
    windows = _Windows(as_of)
    orders = _order_facts(batch, rows, windows)
    _product_facts(batch, rows, windows, orders)
    _balance_facts(batch, rows, as_of)
    return list(rows.values())


def _order_facts(
    batch: _Batch, rows: dict[int, CustomerFacts], windows: _Windows
) -> dict[int, tuple[int, date]]:
    """Fill the order columns; return (customer, date) of each order in the product windows, by id."""
    orders = (
        batch.of(Order.objects.for_tenant(batch.tenant_id))
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("customer_id", "-order_date", "-id")
        .values_list("customer_id", "order_date", "total", "id")
    )
    recent_low, recent_high = windows.recent
    products_low, products_high = windows.products_span
    in_product_windows: dict[int, tuple[int, date]] = {}
    for customer_id, group in itertools.groupby(orders.iterator(chunk_size=20000), key=lambda o: o[0]):
        row = rows[customer_id]
        newest: list[date] = []
        count, lifetime, recent_count = 0, ZERO, 0
        revenue = dict.fromkeys(windows.revenue, ZERO)
        first = None
        for _, order_date, total, order_id in group:
            count += 1
            lifetime += total
            first = order_date  # newest first: the group's last row is the first order
            if len(newest) <= MEDIAN_GAP_WINDOW:
                newest.append(order_date)
            if recent_low < order_date <= recent_high:
                recent_count += 1
            if products_low < order_date <= products_high:
                in_product_windows[order_id] = (customer_id, order_date)
            for name, (low, high) in windows.revenue.items():
                if low < order_date <= high:
                    revenue[name] += total
        row.order_count = count
        row.lifetime_revenue = lifetime
        row.last_order_date = newest[0]
        row.first_order_date = first
        row.orders_last_90_days = recent_count
        for name, value in revenue.items():
            setattr(row, name, value)
        row.median_order_interval_days = _median(
            [float((later - earlier).days) for later, earlier in itertools.pairwise(newest)]
        )
    return in_product_windows


def _product_facts(
    batch: _Batch, rows: dict[int, CustomerFacts], windows: _Windows, orders: dict[int, tuple[int, date]]
) -> None:
    # Lines are read by order id (the (tenant, order) index), never by a join on the customer, which
    # would make the database walk every line of the tenant.
    seen: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    ids = sorted(orders)
    for start in range(0, len(ids), LINE_LOOKUP_CHUNK):
        lines = (
            OrderLine.objects.for_tenant(batch.tenant_id)
            .filter(order_id__in=ids[start : start + LINE_LOOKUP_CHUNK])
            .order_by()
            .values_list("order_id", "product_id")
            .distinct()
        )
        for order_id, product_id in lines:
            customer_id, order_date = orders[order_id]
            for name, (low, high) in windows.products.items():
                if low < order_date <= high:
                    seen[customer_id][name].add(product_id)
    for customer_id, products in seen.items():
        for name, found in products.items():
            setattr(rows[customer_id], name, len(found))


def _balance_facts(batch: _Batch, rows: dict[int, CustomerFacts], as_of: date) -> None:
    # Summed in the database: one row a customer however many invoices they have.
    open_amount = ExpressionWrapper(F("amount") - F("paid_amount"), output_field=MONEY)
    unpaid = Q(amount__gt=F("paid_amount"))
    overdue = unpaid & Q(due_on__lt=as_of)
    totals = (
        batch.of(Invoice.objects.for_tenant(batch.tenant_id))
        .order_by()
        .values("customer_id")
        .annotate(
            balance=Sum(open_amount, output_field=MONEY),
            overdue=Sum(open_amount, filter=overdue, output_field=MONEY),
            overdue_last=Max("due_on", filter=overdue),
            next_due=Min("due_on", filter=unpaid & Q(due_on__gte=as_of)),
        )
        .values_list("customer_id", "balance", "overdue", "overdue_last", "next_due")
    )
    for customer_id, balance, overdue_sum, overdue_last, next_due in totals:
        row = rows[customer_id]
        row.balance_due = balance or ZERO
        row.overdue_balance = overdue_sum or ZERO
        row.overdue_last_due_on = overdue_last
        row.open_next_due_on = next_due


def _save(tenant_id: int, facts: list[CustomerFacts]) -> None:
    if facts:
        CustomerFacts.objects.for_tenant(tenant_id).bulk_create(
            facts, update_conflicts=True, unique_fields=["customer"], update_fields=UPDATED_FIELDS
        )


def _tenant(tenant: Tenant | int) -> Tenant:
    return tenant if isinstance(tenant, Tenant) else Tenant.objects.get(pk=tenant)


def facts_refresh(*, tenant: Tenant | int, customer_ids: Iterable[int], as_of: date | None = None) -> int:
    """Recompute and store the facts of ``customer_ids`` (as of the tenant's today unless given);
    returns how many rows were written (customers that no longer exist are skipped).

    Runs in the caller's transaction: the reads and the one upsert see the caller's writes.
    """
    found = _tenant(tenant)
    facts = compute_facts(
        tenant_id=found.pk, customer_ids=list(customer_ids), as_of=as_of or tenant_today(found)
    )
    _save(found.pk, facts)
    return len(facts)


def facts_rebuild(
    *,
    tenant: Tenant,
    customer_ids: Sequence[int] | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    batch_size: int = REBUILD_BATCH,
) -> int:
    """Recompute the facts of every customer of ``tenant`` (or of ``customer_ids``) in batches, each
    in its own transaction; returns the number of rows written. ``progress(done, total)`` follows."""
    day = as_of or tenant_today(tenant)
    customers = Customer.objects.for_tenant(tenant).order_by("pk")
    wanted = set(customer_ids) if customer_ids is not None else None
    if wanted is not None:
        customers = customers.filter(pk__in=wanted)
    ids = list(customers.values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            facts = compute_facts(
                tenant_id=tenant.pk, customer_ids=chunk, as_of=day, contiguous=wanted is None
            )
            _save(tenant.pk, facts)
        done += len(chunk)
        if progress is not None:
            progress(done, len(ids))
    if progress is not None and not ids:
        progress(0, 0)
    return done


def facts_create_empty(*, customer: Customer) -> None:
    """Store the facts of a customer just created: no orders, invoices or activities yet."""
    as_of = tenant_today(customer.tenant)
    CustomerFacts.objects.for_tenant(customer.tenant_id).bulk_create(
        [CustomerFacts(tenant_id=customer.tenant_id, customer_id=customer.pk, windows_as_of=as_of)],
        update_conflicts=True,
        unique_fields=["customer"],
        update_fields=UPDATED_FIELDS,
    )


# -- keeping facts current on write -------------------------------------------------------------------


@dataclass
class _Pending:
    depth: int = 0
    customers: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    orders: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


_state = threading.local()


def _pending() -> _Pending:
    pending: _Pending | None = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = _Pending()
    return pending


@contextlib.contextmanager
def facts_deferred() -> Iterator[None]:
    """Collect the customers touched inside the block and refresh each once when it ends.

    For services that write several rows of one customer together (an order and its lines): one
    refresh instead of one per row. Use it inside the service's transaction, so the refresh is part
    of it; when the block raises, nothing is refreshed (the transaction is rolled back anyway).
    """
    pending = _pending()
    pending.depth += 1
    try:
        yield
    except BaseException:
        pending.depth -= 1
        if pending.depth == 0:
            pending.customers.clear()
            pending.orders.clear()
        raise
    pending.depth -= 1
    if pending.depth == 0:
        customers, orders = dict(pending.customers), dict(pending.orders)
        pending.customers.clear()
        pending.orders.clear()
        for tenant_id in set(customers) | set(orders):
            touched = set(customers.get(tenant_id, ()))
            if orders.get(tenant_id):
                touched |= set(
                    Order.objects.for_tenant(tenant_id)
                    .filter(pk__in=orders[tenant_id])
                    .values_list("customer_id", flat=True)
                )
            facts_refresh(tenant=tenant_id, customer_ids=touched)


def facts_touch(
    *, tenant: Tenant | int, customer_ids: Iterable[int] = (), order_ids: Iterable[int] = ()
) -> None:
    """Refresh the facts of these customers (and of the customers of ``order_ids``) now, or at the
    end of the enclosing ``facts_deferred()`` block."""
    tenant_id = tenant if isinstance(tenant, int) else tenant.pk
    pending = _pending()
    if pending.depth:
        pending.customers[tenant_id].update(customer_ids)
        pending.orders[tenant_id].update(order_ids)
        return
    touched = set(customer_ids)
    orders = set(order_ids)
    if orders:
        touched |= set(
            Order.objects.for_tenant(tenant_id).filter(pk__in=orders).values_list("customer_id", flat=True)
        )
    if touched:
        facts_refresh(tenant=tenant, customer_ids=touched)


def _cascading_from_customer(origin: Any) -> bool:
    # Deleting a customer (or a tenant) cascades to its activities and its facts row: refreshing the
    # facts there would write back a row the same delete is removing.
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model in (Customer, Tenant)


def _tenant_of(instance: Any) -> Tenant | int:
    # The services hand rows their tenant object: use it instead of reading the tenant again.
    cached = type(instance).tenant.is_cached(instance)
    return instance.tenant if cached else int(instance.tenant_id)


def on_customer_row_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """post_save of Order, Invoice and Activity: refresh the facts of the row's customer."""
    if not raw:
        facts_touch(tenant=_tenant_of(instance), customer_ids=[instance.customer_id])


def on_customer_row_deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
    """post_delete of Order, Invoice and Activity."""
    if not _cascading_from_customer(origin):
        facts_touch(tenant=_tenant_of(instance), customer_ids=[instance.customer_id])


def on_order_line_saved(sender: Any, instance: OrderLine, raw: bool = False, **kwargs: Any) -> None:
    """post_save of OrderLine: refresh the facts of the order's customer."""
    if not raw:
        _touch_line(instance)


def on_order_line_deleted(sender: Any, instance: OrderLine, origin: Any = None, **kwargs: Any) -> None:
    """post_delete of OrderLine."""
    if not _cascading_from_customer(origin):
        _touch_line(instance)


def _touch_line(line: OrderLine) -> None:
    if OrderLine.order.is_cached(line):
        facts_touch(tenant=_tenant_of(line), customer_ids=[line.order.customer_id])
    else:
        facts_touch(tenant=_tenant_of(line), order_ids=[line.order_id])


def on_customer_saved(
    sender: Any, instance: Customer, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """post_save of Customer: a new customer starts with empty facts (its own fields are not facts)."""
    if created and not raw:
        facts_create_empty(customer=instance)


def on_book_changed(
    sender: Any, tenant_id: int, customer_ids: Iterable[int] | None = None, **kwargs: Any
) -> None:
    """``book_changed`` after a bulk write: refresh the customers it names."""
    if customer_ids:
        facts_touch(tenant=tenant_id, customer_ids=customer_ids)


def facts_stale_count(*, tenant: Tenant, as_of: date | None = None) -> int:
    """Return how many customers of ``tenant`` have no facts row or windows of another day than
    ``as_of`` (the tenant's today): what the nightly rebuild brings up to date."""
    day = as_of or tenant_today(tenant)
    return (
        Customer.objects.for_tenant(tenant)
        .filter(Q(facts__isnull=True) | ~Q(facts__windows_as_of=day))
        .count()
    )
