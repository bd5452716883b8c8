"""The call plan: per rep and week, the ranked accounts to call or visit, and where the rep put them.

A plan is one row per (tenant, rep, Monday in the tenant's time zone). Its items are the proposal
(ranked, each with the reasons behind it) and, once the rep shapes the week, the day, time and order
of each stop. Regenerating replaces only what the rep has not touched (see services.plan_generate).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from leora.crm.models import Activity, CalendarEvent, Customer, money
from leora.tenancy.scoping import TenantOwned


class PlanAction(models.TextChoices):
    # The same words as the activity kinds, so completing a stop logs an activity of its kind.
    CALL = "call", "Call"
    VISIT = "visit", "Visit"
    TASTING = "tasting", "Tasting"


# Actions done in person: scheduling one puts an event on the rep's calendar.
IN_PERSON_ACTIONS = (PlanAction.VISIT, PlanAction.TASTING)


class ItemSource(models.TextChoices):
    PROPOSAL = "proposal", "Proposed"
    EVENT = "event", "Already booked"
    MANAGER = "manager", "Added by a manager"


class CallPlanSettings(TenantOwned):
    """A tenant's ranking: per reason, its weight and the metric definitions that feed it.

    ``weights`` and ``metrics`` hold only what the admins changed; the defaults are in
    ``leora.callplan.reasons.REASONS`` (documented in docs/callplan.md).
    """

    weights = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    max_items = models.PositiveIntegerField(default=40)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="callplan_settings_one_per_tenant"),
            models.CheckConstraint(
                condition=Q(max_items__gte=1) & Q(max_items__lte=400), name="callplan_settings_max_items"
            ),
        ]


class RepPlanSettings(TenantOwned):
    """One person's planning settings: how many stops a day, and where their drives start."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    daily_capacity = models.PositiveIntegerField(default=8)
    start_label = models.CharField(max_length=200, blank=True)
    start_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    start_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="callplan_rep_settings_unique"),
            models.CheckConstraint(
                condition=Q(daily_capacity__gte=1) & Q(daily_capacity__lte=50),
                name="callplan_rep_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(start_latitude__isnull=True)
                | (Q(start_latitude__gte=-90) & Q(start_latitude__lte=90)),
                name="callplan_rep_start_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(start_longitude__isnull=True)
                | (Q(start_longitude__gte=-180) & Q(start_longitude__lte=180)),
                name="callplan_rep_start_longitude_range",
            ),
        ]


class CallPlan(TenantOwned):
    """A rep's plan for the week starting ``week_start`` (a Monday in the tenant's time zone)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    generated_at = models.DateTimeField(null=True, blank=True)
    # The day the metrics were read for (the Monday, or today when generated mid-week).
    evaluated_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "week_start"], name="callplan_unique_week"),
        ]
        indexes = [models.Index(fields=["tenant", "week_start"])]

    def __str__(self) -> str:
        return f"plan of {self.user_id} for {self.week_start}"


class CallPlanItem(TenantOwned):
    """One account in a plan: why it is there, what to do, and when the rep put it in the week."""

    plan = models.ForeignKey(CallPlan, on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=ItemSource.choices, default=ItemSource.PROPOSAL)
    rank = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0)
    # [{"reason", "label", "weight", "metrics": [{"code", "version"}], ...}]: see reasons.py.
    reasons = models.JSONField(default=list, blank=True)
    action = models.CharField(max_length=10, choices=PlanAction.choices, default=PlanAction.CALL)
    expected_value = money(default=Decimal("0"))
    note = models.TextField(blank=True)
    scheduled_date = models.DateField(null=True, blank=True)
    scheduled_time = models.TimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    event = models.ForeignKey(
        CalendarEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_reason = models.CharField(max_length=200, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "customer"], name="callplan_item_unique_customer"),
        ]
        indexes = [
            models.Index(fields=["tenant", "plan", "scheduled_date"]),
            models.Index(fields=["tenant", "customer"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} in plan {self.plan_id}"

    @property
    def kept_on_regeneration(self) -> bool:
        """True for what the rep (or their manager) shaped: scheduled, completed, removed or added."""
        return bool(
            self.scheduled_date or self.completed_at or self.removed_at or self.source != ItemSource.PROPOSAL
        )
