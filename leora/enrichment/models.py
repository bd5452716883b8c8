"""What the enrichment job stores: one row of derived facts per customer, the tenant's RFM
quintile boundaries, and the checkpoints that let the daily account-type run resume after a crash."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leora.crm.models import Customer
from leora.tenancy.scoping import TenantOwned

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CustomerEnrichment(TenantOwned):
    """What ``customer_enrichment`` derived for one customer as of ``computed_at``.

    The cadence figures and the health score are copies of what the tenant's metrics said at that
    moment (the catalog's attributes and the ``health_score`` metric), kept so pages, exports and
    the API can read them without evaluating formulas; the metrics stay the source of truth.
    """

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="enrichment"
    )
    computed_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateField()
    median_interval_days = models.FloatField(null=True)
    expected_next_order = models.DateField(null=True)
    overdue_ratio = models.FloatField(null=True)
    # RFM scores 1-5 by quintile within the tenant's customers with orders; NULL without orders.
    recency_score = models.PositiveSmallIntegerField(null=True)
    frequency_score = models.PositiveSmallIntegerField(null=True)
    monetary_score = models.PositiveSmallIntegerField(null=True)
    rfm_segment = models.CharField(max_length=24, blank=True)
    health_score = models.FloatField(null=True)
    # [{"label", "points", "best", "lost", "costs_points"}] read off the health_score formula.
    health_reasons = models.JSONField(default=list)
    # The top 3 products of the last 12 months by quantity:
    # [{"product_id", "name", "sku", "quantity", "revenue"}].
    preferred_products = models.JSONField(default=list)
    # 0 = Monday ... 6 = Sunday; NULL under two orders in the last 12 months.
    typical_order_weekday = models.PositiveSmallIntegerField(null=True)
    # What each enabled outside provider returned, by provider name.
    external = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["tenant", "rfm_segment"])]

    def __str__(self) -> str:
        return f"enrichment of {self.customer_id}"

    @property
    def weekday_name(self) -> str:
        day = self.typical_order_weekday
        return WEEKDAYS[day] if day is not None else ""

    @property
    def rfm_code(self) -> str:
        """Return the three scores as one code ("543"), or "" when not scored."""
        scores = (self.recency_score, self.frequency_score, self.monetary_score)
        return "".join(str(s) for s in scores) if all(s is not None for s in scores) else ""


class RfmBreakpoints(TenantOwned):
    """The tenant's RFM distribution as of the last tenant-wide run: for each dimension the lowest
    value that scored 2, 3, 4 and 5 (``None`` where no customer got that score).

    A one-customer run (after an order) scores that customer against these instead of rereading
    every customer: the score is the highest one whose lowest value the customer reaches.
    """

    tenant = models.OneToOneField("tenancy.Tenant", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now)
    customers = models.PositiveIntegerField(default=0)
    # Recency is the last order's day number (later is better), frequency the order count,
    # monetary the lifetime revenue.
    recency = models.JSONField(default=list)
    frequency = models.JSONField(default=list)
    monetary = models.JSONField(default=list)

    class Meta:
        verbose_name_plural = "RFM breakpoints"

    def __str__(self) -> str:
        return f"RFM breakpoints of {self.tenant_id}"


class AccountTypeRun(TenantOwned):
    """The progress of one ``account_type_update`` job, written in the transaction of each batch:
    a retried attempt carries on after ``last_customer_id`` with the same ``as_of``."""

    job_id = models.UUIDField(unique=True)
    as_of = models.DateField()
    last_customer_id = models.BigIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=dict)  # {"PROSPECT->ACTIVE": 3, ...}
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "-started_at"])]

    def __str__(self) -> str:
        return f"account types {self.job_id}"
