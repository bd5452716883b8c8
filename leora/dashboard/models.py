"""Dashboard layouts: the tenant's default grid and each person's own copy of it.

A tenant has one default layout (``user`` null), edited by admins. A person without a layout of their
own sees the default, including later changes to it; their first change copies the default into a
layout of their own, and "reset to default" deletes that copy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from leora.tenancy.scoping import TenantOwned


class DashboardLayout(TenantOwned):
    """One grid of widgets: the tenant default (``user`` null) or one person's own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="dashboard_layout_one_per_user"),
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(user__isnull=True), name="dashboard_layout_one_default"
            ),
        ]

    @property
    def is_default(self) -> bool:
        return self.user_id is None

    def __str__(self) -> str:
        return "tenant default" if self.user_id is None else f"layout of user {self.user_id}"


class DashboardWidget(TenantOwned):
    """A widget placed on a layout: its type, place on the 12-column grid, visibility and config.

    ``key`` stays the same when a person's first change copies the default layout, so a change aimed
    at a default widget lands on that person's copy of it.
    """

    layout = models.ForeignKey(DashboardLayout, on_delete=models.CASCADE, related_name="widgets")
    key = models.CharField(max_length=32)
    widget_type = models.CharField(max_length=40)
    position = models.PositiveIntegerField()
    x = models.PositiveSmallIntegerField(default=0)
    y = models.PositiveSmallIntegerField(default=0)
    w = models.PositiveSmallIntegerField(default=6)
    h = models.PositiveSmallIntegerField(default=4)
    visible = models.BooleanField(default=True)
    config = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["layout", "key"], name="dashboard_widget_unique_key")]
        indexes = [models.Index(fields=["tenant", "layout", "position"], name="dashboard_widget_order_idx")]

    def __str__(self) -> str:
        return f"{self.widget_type} #{self.position}"
