"""The call plan benchmark runs end to end on a tiny tenant (``make bench`` runs it at scale)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from bench import bench_callplan
from leora.tenancy.models import Tenant
from leora.tenancy.scoping import scopes_disabled

pytestmark = pytest.mark.django_db


def test_the_callplan_benchmark_measures_a_small_tenant(settings: Any) -> None:
    with scopes_disabled():
        call_command("seed_demo", tenant_slug=bench_callplan.SLUG, customers=40, verbosity=0)
        figures = bench_callplan.measure(Tenant.objects.get(slug=bench_callplan.SLUG), repeats=1)
    assert figures["customers"] == 40
    assert figures["plans"] >= 1
    table = bench_callplan.report(40, 1, [("SQLite", figures)])
    assert "| SQLite | 40 |" in table and "failed" not in table
