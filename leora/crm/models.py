"""The CRM's business data. Every table is tenant-owned and indexed with the tenant first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned


def money(**options: Any) -> models.DecimalField[Decimal, Decimal]:
    """A money column: Decimal in the tenant's currency, never float."""
    return models.DecimalField(max_digits=14, decimal_places=2, **options)


class AccountType(models.TextChoices):
    PROSPECT = "PROSPECT", "Prospect"
    TARGET = "TARGET", "Target"
    ACTIVE = "ACTIVE", "Active"


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class LicenceType(models.TextChoices):
    ON_PREMISE = "on_premise", "On-premise"
    OFF_PREMISE = "off_premise", "Off-premise"
    NONE = "", "None"


class Customer(TenantOwned):
    """An account: a restaurant, bar, shop, grocer or hotel that buys from the distributor."""

    name = models.CharField(max_length=200)
    account_number = models.CharField(max_length=40)
    account_type = models.CharField(max_length=10, choices=AccountType.choices, default=AccountType.PROSPECT)
    status = models.CharField(max_length=10, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE)
    assigned_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    territory = models.CharField(max_length=100, blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, default="US")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    licence_number = models.CharField(max_length=40, blank=True)
    licence_type = models.CharField(max_length=12, choices=LicenceType.choices, blank=True, default="")
    notes = models.TextField(blank=True)
    # WGS 84 degrees, for route order in the call plan (about 10 cm at six decimals).
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "account_number"], name="customer_unique_number"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="customer_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="customer_longitude_range",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "assigned_rep"]),
            models.Index(fields=["tenant", "account_type"]),
            models.Index(fields=["tenant", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        parts = [self.street, self.city, " ".join(p for p in (self.region, self.postal_code) if p)]
        return ", ".join(p for p in parts if p)


class Contact(TenantOwned):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["tenant", "customer"])]

    def __str__(self) -> str:
        return self.name


class ProductCategory(models.TextChoices):
    WINE = "wine", "Wine"
    SPIRITS = "spirits", "Spirits"
    BEER = "beer", "Beer"
    OTHER = "other", "Other"


class Product(TenantOwned):
    sku = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    brand = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=10, choices=ProductCategory.choices, default=ProductCategory.WINE)
    unit_price = money()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sku"], name="product_unique_sku"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="product_price_not_negative"),
        ]
        indexes = [models.Index(fields=["tenant", "category"]), models.Index(fields=["tenant", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"


class Order(TenantOwned):
    """An order; ``total`` is derived from its lines by the order services, never typed in."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order_number = models.CharField(max_length=40)
    order_date = models.DateField()
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED)
    total = money(default=Decimal("0"))
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "order_number"], name="order_unique_number")]
        indexes = [
            models.Index(fields=["tenant", "customer", "order_date"]),
            models.Index(fields=["tenant", "order_date"]),
        ]

    def __str__(self) -> str:
        return self.order_number


class OrderLine(TenantOwned):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = money()
    line_total = money()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive")
        ]
        indexes = [models.Index(fields=["tenant", "order"]), models.Index(fields=["tenant", "product"])]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class Invoice(TenantOwned):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    invoice_number = models.CharField(max_length=40)
    amount = money()
    paid_amount = money(default=Decimal("0"))
    issued_on = models.DateField()
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "invoice_number"], name="invoice_unique_number"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="invoice_amount_not_negative"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="invoice_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="invoice_due_after_issue"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "customer"]),
            models.Index(fields=["tenant", "due_on"]),
            # Balances and aging read only the open invoices, a small part of a tenant's history.
            models.Index(
                fields=["tenant", "due_on", "customer"],
                condition=Q(amount__gt=models.F("paid_amount")),
                name="invoice_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.invoice_number

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid_amount


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHEQUE = "cheque", "Cheque"
    CARD = "card", "Card"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    OTHER = "other", "Other"


class Payment(TenantOwned):
    """One payment received against an invoice. ``Invoice.paid_amount`` is their running sum, kept by
    ``invoice_payment_record`` in the same transaction; invoices paid before payments were itemised
    carry a paid amount with no rows behind it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = money()
    paid_on = models.DateField()
    method = models.CharField(max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.OTHER)
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        indexes = [
            models.Index(fields=["tenant", "invoice", "paid_on"]),
            models.Index(fields=["tenant", "paid_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"


class ActivityKind(models.TextChoices):
    CALL = "call", "Call"
    VISIT = "visit", "Visit"
    TASTING = "tasting", "Tasting"
    EMAIL = "email", "Email"
    NOTE = "note", "Note"


class Activity(TenantOwned):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="activities")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(max_length=200, blank=True)
    outcome = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["tenant", "customer", "occurred_at"]),
            models.Index(fields=["tenant", "user", "occurred_at"]),
            # The tenant-wide "recent activity" feed reads newest first.
            models.Index(fields=["tenant", "-occurred_at"], name="activity_tenant_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class TaskPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


# Tasks still to do: what "open tasks", "due" and "overdue" count everywhere.
OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class Task(TenantOwned):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    priority = models.CharField(max_length=10, choices=TaskPriority.choices, default=TaskPriority.NORMAL)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "assigned_to", "status"]),
            models.Index(fields=["tenant", "customer"]),
            models.Index(fields=["tenant", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title


class CalendarEvent(TenantOwned):
    title = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "user", "starts_at"]),
            models.Index(fields=["tenant", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class SalesQuota(TenantOwned):
    """A rep's revenue target for one week (weeks start on Monday in the tenant's timezone)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    revenue_target = money()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "week_start"], name="quota_unique_week"),
            models.CheckConstraint(condition=Q(revenue_target__gte=0), name="quota_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week_start}"


class CustomerFacts(TenantOwned):
    """One row per customer: aggregates of its order, invoice and activity history, kept current by
    ``leora.crm.facts`` in the transaction of every write that changes them.

    Nothing here depends on "today" except the columns computed as of ``windows_as_of`` (the rolling
    windows and the overdue balance); readers use those only on the day they were computed for, and
    recompute from the raw rows otherwise.
    """

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="facts"
    )
    # Non-cancelled orders.
    first_order_date = models.DateField(null=True)
    last_order_date = models.DateField(null=True)
    order_count = models.PositiveIntegerField(default=0)
    lifetime_revenue = money(default=Decimal("0"))
    # Median of the last up to 12 gaps (days) between the newest 13 orders; NULL under 3 orders.
    median_order_interval_days = models.FloatField(null=True)
    # Invoiced minus paid over every invoice.
    balance_due = money(default=Decimal("0"))
    last_activity_at = models.DateTimeField(null=True)
    # The day the columns below are computed for.
    windows_as_of = models.DateField()
    orders_last_90_days = models.PositiveIntegerField(default=0)
    revenue_last_30_days = money(default=Decimal("0"))
    revenue_last_90_days = money(default=Decimal("0"))
    revenue_prior_90_days = money(default=Decimal("0"))
    revenue_same_90_days_last_year = money(default=Decimal("0"))
    distinct_products_last_90_days = models.PositiveIntegerField(default=0)
    distinct_products_prior_90_days = models.PositiveIntegerField(default=0)
    # Open balance of invoices due before windows_as_of, and the due dates around that day that tell a
    # reader on another day whether the set of overdue invoices is still the same.
    overdue_balance = money(default=Decimal("0"))
    overdue_last_due_on = models.DateField(null=True)
    open_next_due_on = models.DateField(null=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "customer facts"
        indexes = [models.Index(fields=["tenant", "windows_as_of"])]

    def __str__(self) -> str:
        return f"facts of {self.customer_id}"
