"""The dashboard benchmark runs end to end on a small tenant (``make bench`` runs it at scale)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from bench import bench_dashboard
from leora.tenancy.models import Tenant
from leora.tenancy.scoping import scopes_disabled

pytestmark = pytest.mark.django_db


def test_the_dashboard_benchmark_measures_a_small_tenant() -> None:
    with scopes_disabled():
        call_command("seed_demo", tenant_slug=bench_dashboard.SLUG, customers=60, verbosity=0)
        figures = bench_dashboard.measure(Tenant.objects.get(slug=bench_dashboard.SLUG), repeats=1)
    assert figures["customers"] == 60
    assert [h["code"] for h in figures["health"]] == bench_dashboard.HEALTH
    table = bench_dashboard.report(60, 1, [("SQLite", figures)])
    assert "| healthy_customer |" in table and "failed" not in table
