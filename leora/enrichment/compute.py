"""customer_enrichment's computation: per customer the cadence, RFM, health score and reasons,
preferred products and typical order weekday, stored in ``CustomerEnrichment``.

Nothing here is a second copy of a rule the metrics own. The usual interval, expected next order
and overdue ratio are the formula catalog's attributes and the score and its reasons are the
tenant's ``health_score`` metric, all read through ``leora.metrics.health.customer_health`` (the
customer page's health panel); RFM reads the customer facts (last order date, order count, lifetime
revenue) that crm keeps current.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from leora.crm.models import Customer, CustomerFacts, Order, OrderLine, OrderStatus, Product
from leora.enrichment import rfm
from leora.enrichment.models import CustomerEnrichment, RfmBreakpoints
from leora.enrichment.providers import EnrichmentProvider, enabled_providers
from leora.metrics.health import CustomerHealth, customer_health
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Role, Tenant, User

PREFERRED_PRODUCTS = 3
PRODUCT_WINDOW_DAYS = 365
# A typical weekday needs at least this many orders in the window: one order is not a habit.
WEEKDAY_MIN_ORDERS = 2
LINE_LOOKUP_CHUNK = 2000
UPDATED_FIELDS = [
    f.name for f in CustomerEnrichment._meta.concrete_fields if f.name not in {"customer", "tenant"}
]

Progress = Callable[[int, int], None]


def reading_scope(tenant: Tenant) -> Actor:
    """Return a scope that reads the whole tenant, for jobs that evaluate metrics with no person
    behind them. Only for reads: nothing is written as this actor."""
    return Actor(tenant=tenant, user=User(), role=Role.ADMIN)


def batch_size() -> int:
    return int(getattr(settings, "ENRICHMENT_BATCH_SIZE", 500))


# ------------------------------------------------------------------------------------------------ RFM


def _rfm_values(last_order: date, order_count: int, lifetime: Decimal) -> tuple[float, float, float]:
    # Recency as the last order's day: later is better, and the value does not drift by the day.
    return float(last_order.toordinal()), float(order_count), float(lifetime)


@dataclass
class RfmTable:
    """The tenant's RFM scores: exact for a tenant-wide run, or ``cuts`` for one-customer runs."""

    cuts: RfmBreakpoints
    scores: dict[int, rfm.Scored] = field(default_factory=dict)

    def score(self, facts: CustomerFacts | None) -> rfm.Scored | None:
        if facts is None or not facts.order_count or facts.last_order_date is None:
            return None
        found = self.scores.get(facts.customer_id)
        if found is not None:
            return found
        r, f, m = _rfm_values(facts.last_order_date, facts.order_count, facts.lifetime_revenue)
        return rfm.Scored(
            recency=rfm.score_against(r, self.cuts.recency),
            frequency=rfm.score_against(f, self.cuts.frequency),
            monetary=rfm.score_against(m, self.cuts.monetary),
        )


def rfm_refresh(tenant: Tenant) -> RfmTable:
    """Score every customer of ``tenant`` with orders by quintile and store the breakpoints; returns
    the scores (one read of the tenant's facts)."""
    rows = list(
        CustomerFacts.objects.for_tenant(tenant)
        .filter(order_count__gt=0, last_order_date__isnull=False)
        .order_by("customer_id")
        .values_list("customer_id", "last_order_date", "order_count", "lifetime_revenue")
    )
    ids = [row[0] for row in rows]
    columns = list(zip(*(_rfm_values(*row[1:]) for row in rows), strict=True)) if rows else [(), (), ()]
    scored = [rfm.quintile_scores(column) if column else [] for column in columns]
    cuts, _ = RfmBreakpoints.objects.for_tenant(tenant).update_or_create(
        tenant=tenant,
        defaults={
            "computed_at": timezone.now(),
            "customers": len(rows),
            "recency": rfm.breakpoints(columns[0], scored[0]),
            "frequency": rfm.breakpoints(columns[1], scored[1]),
            "monetary": rfm.breakpoints(columns[2], scored[2]),
        },
    )
    scores = {
        pk: rfm.Scored(recency=r, frequency=f, monetary=m) for pk, r, f, m in zip(ids, *scored, strict=True)
    }
    return RfmTable(cuts=cuts, scores=scores)


def rfm_stored(tenant: Tenant) -> RfmTable:
    """Return the stored breakpoints of ``tenant``, computing them first when there are none."""
    cuts = RfmBreakpoints.objects.for_tenant(tenant).filter(tenant=tenant).first()
    return RfmTable(cuts=cuts) if cuts is not None else rfm_refresh(tenant)


# ----------------------------------------------------------------------------- products and weekday


@dataclass
class _History:
    weekday: dict[int, int | None] = field(default_factory=dict)
    products: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def typical_weekday(order_dates: Sequence[date]) -> int | None:
    """Return the weekday (0 = Monday) most orders fall on, newest first in ``order_dates``; a tie
    goes to the weekday of the most recent of the tied orders. None under two orders."""
    if len(order_dates) < WEEKDAY_MIN_ORDERS:
        return None
    counts = Counter(day.weekday() for day in order_dates)
    most = max(counts.values())
    return next(day.weekday() for day in order_dates if counts[day.weekday()] == most)


def _history(tenant: Tenant, ids: Sequence[int], as_of: date) -> _History:
    since = as_of - timedelta(days=PRODUCT_WINDOW_DAYS)
    orders = list(
        Order.objects.for_tenant(tenant)
        .filter(customer_id__in=ids, order_date__gt=since, order_date__lte=as_of)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("customer_id", "-order_date", "-pk")
        .values_list("pk", "customer_id", "order_date")
    )
    found = _History()
    for customer_id, group in itertools.groupby(orders, key=lambda o: o[1]):
        found.weekday[customer_id] = typical_weekday([o[2] for o in group])
    customer_of = {pk: customer_id for pk, customer_id, _ in orders}
    totals: dict[int, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(lambda: [0, Decimal("0")]))
    order_ids = sorted(customer_of)
    # Lines by order id (the (tenant, order) index), never by a join on the customer.
    for start in range(0, len(order_ids), LINE_LOOKUP_CHUNK):
        lines = (
            OrderLine.objects.for_tenant(tenant)
            .filter(order_id__in=order_ids[start : start + LINE_LOOKUP_CHUNK])
            .values_list("order_id", "product_id", "quantity", "line_total")
        )
        for order_id, product_id, quantity, line_total in lines:
            total = totals[customer_of[order_id]][product_id]
            total[0] += quantity
            total[1] += line_total
    product_ids = {pid for per_customer in totals.values() for pid in per_customer}
    products = {
        p["pk"]: p
        for p in Product.objects.for_tenant(tenant).filter(pk__in=product_ids).values("pk", "name", "sku")
    }
    for customer_id, per_product in totals.items():
        ranked = sorted(
            per_product.items(),
            key=lambda item: (-item[1][0], -item[1][1], products.get(item[0], {}).get("name", "")),
        )[:PREFERRED_PRODUCTS]
        found.products[customer_id] = [
            {
                "product_id": pid,
                "name": products.get(pid, {}).get("name", ""),
                "sku": products.get(pid, {}).get("sku", ""),
                "quantity": quantity,
                "revenue": str(revenue),
            }
            for pid, (quantity, revenue) in ranked
        ]
    return found


# -------------------------------------------------------------------------------------------- a batch


def _reasons(health: CustomerHealth) -> list[dict[str, Any]]:
    return [
        {
            "label": reason.label,
            "points": reason.points,
            "best": reason.best,
            "lost": reason.lost,
            "costs_points": reason.costs_points,
        }
        for reason in health.reasons
    ]


def _external(providers: Sequence[EnrichmentProvider], customer: Customer) -> dict[str, Any]:
    return {provider.name: provider.enrich(customer) for provider in providers}


def _enrich_batch(
    tenant: Tenant,
    ids: Sequence[int],
    *,
    as_of: date,
    table: RfmTable,
    providers: Sequence[EnrichmentProvider],
) -> int:
    customers = list(Customer.objects.for_tenant(tenant).filter(pk__in=ids).order_by("pk"))
    facts = {f.customer_id: f for f in CustomerFacts.objects.for_tenant(tenant).filter(customer_id__in=ids)}
    history = _history(tenant, ids, as_of)
    scope = reading_scope(tenant)
    now = timezone.now()
    rows = []
    for customer in customers:
        health = customer_health(actor=scope, customer=customer, today=as_of)
        scored = table.score(facts.get(customer.pk))
        rows.append(
            CustomerEnrichment(
                tenant=tenant,
                customer=customer,
                computed_at=now,
                as_of=as_of,
                median_interval_days=health.usual_interval_days,
                expected_next_order=health.expected_next_order,
                overdue_ratio=health.overdue_ratio,
                recency_score=scored.recency if scored else None,
                frequency_score=scored.frequency if scored else None,
                monetary_score=scored.monetary if scored else None,
                rfm_segment=scored.segment if scored else "",
                health_score=health.score,
                health_reasons=_reasons(health),
                preferred_products=history.products.get(customer.pk, []),
                typical_order_weekday=history.weekday.get(customer.pk),
                external=_external(providers, customer),
            )
        )
    if rows:
        CustomerEnrichment.objects.for_tenant(tenant).bulk_create(
            rows, update_conflicts=True, unique_fields=["customer"], update_fields=UPDATED_FIELDS
        )
    return len(rows)


def enrichment_compute(
    *,
    tenant: Tenant,
    customer_ids: Sequence[int] | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
    size: int | None = None,
) -> dict[str, Any]:
    """Compute and store the enrichment of every customer of ``tenant`` (or of ``customer_ids``),
    in batches by id, each its own transaction; returns counts for the job's result.

    A tenant-wide run scores RFM exactly over the whole tenant and stores the breakpoints; a run for
    some customers scores them against the stored breakpoints. Ids of other tenants' customers, or
    of customers since deleted, are skipped.
    """
    day = as_of or tenant_today(tenant)
    providers = enabled_providers()
    table = rfm_refresh(tenant) if customer_ids is None else rfm_stored(tenant)
    customers = Customer.objects.for_tenant(tenant).order_by("pk")
    if customer_ids is not None:
        customers = customers.filter(pk__in=set(customer_ids))
    ids = list(customers.values_list("pk", flat=True))
    step = size or batch_size()
    written = 0
    for start in range(0, len(ids), step):
        with transaction.atomic():
            written += _enrich_batch(
                tenant, ids[start : start + step], as_of=day, table=table, providers=providers
            )
        if progress is not None:
            progress(min(start + step, len(ids)), len(ids))
    if progress is not None and not ids:
        progress(0, 0)
    return {
        "customers": written,
        "as_of": day.isoformat(),
        "rfm_customers": table.cuts.customers,
        "providers": [p.name for p in providers],
    }
