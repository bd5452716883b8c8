"""Call plans at scale: every rep's plan of a large demo tenant, and one rep's plan page.

A worker process (``python -m bench.bench_callplan --worker N R``) migrates its own database, seeds a
demo tenant once (``leora seed_demo``: about 250-300 accounts a rep), rebuilds its facts, then times
``plans_generate`` for all reps of the tenant (the Monday job's work, notifications included) twice:
the first run creates the plans, the second regenerates them. Then the busiest rep's plan page
(``/callplan/weeks/<monday>/``) and ``GET /api/callplan/weeks/<monday>`` through the full Django stack.

Environment: LEORA_BENCH_CALLPLAN_CUSTOMERS (default 100000), LEORA_BENCH_CALLPLAN_PG_URL (default
postgres://postgres@127.0.0.1:5432/leora_bench_callplan), LEORA_BENCH_CALLPLAN_SQLITE (default
var/bench_callplan.sqlite3), LEORA_BENCH_CALLPLAN_DATABASES (default "postgresql"),
LEORA_BENCH_CALLPLAN_REPEATS (default 20). Targets (issue #11): all plans within 60 s, the page under
150 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.database import ensure_database

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-callplan"
TARGETS = {"generate_s": 60.0, "page_p95_ms": 150.0}


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]


def _seed(customers: int) -> Any:
    from django.core.management import call_command

    from leora.crm.models import Customer
    from leora.tenancy.models import Tenant

    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None or Customer.objects.for_tenant(tenant).count() != customers:
        call_command("seed_demo", tenant_slug=SLUG, customers=customers, replace=True, verbosity=1)
        tenant = Tenant.objects.get(slug=SLUG)
    return tenant


def _latency(path: str, user: Any, repeats: int) -> dict[str, float]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    samples = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    samples = samples[1:]  # the first request warms the process
    return {"p50_ms": statistics.median(samples) * 1000, "p95_ms": _p95(samples) * 1000}


def measure(tenant: Any, repeats: int) -> dict[str, Any]:
    """Generate every rep's plan (twice) and time the busiest rep's plan page; return the figures."""
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from leora.callplan.generation import plans_generate
    from leora.callplan.models import CallPlanItem
    from leora.crm.models import Customer
    from leora.tenancy.calendar import week_bounds
    from leora.tenancy.models import User

    monday = week_bounds(tenant)[0]
    started = time.perf_counter()
    plans = plans_generate(tenant=tenant, monday=monday)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    plans_generate(tenant=tenant, monday=monday)
    again_s = time.perf_counter() - started
    busiest = (
        Customer.objects.for_tenant(tenant).exclude(assigned_rep=None).values("assigned_rep_id")
        .annotate(n=Count("pk")).order_by("-n").first()
    )  # fmt: skip
    assert busiest is not None
    rep = User.objects.get(pk=busiest["assigned_rep_id"])
    week = monday.isoformat()
    return {
        "vendor": connection.vendor,
        "customers": Customer.objects.for_tenant(tenant).count(),
        "plans": len(plans),
        "items": CallPlanItem.objects.for_tenant(tenant).filter(plan__week_start=monday).count(),
        "rep_book": busiest["n"],
        "generate_s": first_s,
        "regenerate_s": again_s,
        "page": _latency(reverse("callplan_week", args=[week]), rep, repeats),
        "api": _latency(f"/api/callplan/weeks/{week}", rep, repeats),
    }


def worker(customers: int, repeats: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    django.setup()
    from django.core.management import call_command

    from leora.crm.facts import facts_rebuild
    from leora.tenancy.scoping import scopes_disabled

    ensure_database()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with scopes_disabled():
        tenant = _seed(customers)
        facts_rebuild(tenant=tenant)
        return measure(tenant, repeats)


def _run_worker(label: str, url: str, customers: int, repeats: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "leora.settings"}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_callplan", "--worker", str(customers), str(repeats)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    sys.stderr.write(completed.stderr[-4000:])
    if completed.returncode != 0:
        return {"vendor": label, "error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _mark(value: float, target: float) -> str:
    return "met" if value <= target else "missed"


def report(customers: int, repeats: int, results: list[tuple[str, dict[str, Any]]]) -> str:
    """Return the Markdown table of the figures of each database."""
    lines = [
        f"## Call plans: every rep's plan of a {customers:,}-customer tenant",
        "",
        "Generate: `plans_generate` for every rep with a book (segments, tasks, events, expected values, "
        "writes and notifications), first run and a regeneration. Page and API: the busiest rep's week, "
        f"{repeats} requests after one warm-up. Targets: all plans within 60 s, the page under 150 ms.",
        "",
        "| Database | Customers | Plans | Items | Rep's book | Generate (s) | Regenerate (s) "
        "| Page p50 / p95 (ms) | API p50 / p95 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in results:
        if "error" in r:
            lines.append(f"| {label} | failed: {r['error']} | | | | | | | |")
            continue
        page, api = r["page"], r["api"]
        lines.append(
            f"| {label} | {r['customers']:,} | {r['plans']:,} | {r['items']:,} | {r['rep_book']:,} "
            f"| {r['generate_s']:.1f} ({_mark(r['generate_s'], TARGETS['generate_s'])}) "
            f"| {r['regenerate_s']:.1f} "
            f"| {page['p50_ms']:.0f} / {page['p95_ms']:.0f} "
            f"({_mark(page['p95_ms'], TARGETS['page_p95_ms'])}) "
            f"| {api['p50_ms']:.0f} / {api['p95_ms']:.0f} |"
        )
    return "\n".join(lines)


def run() -> str:
    customers = int(os.environ.get("LEORA_BENCH_CALLPLAN_CUSTOMERS", "100000"))
    repeats = int(os.environ.get("LEORA_BENCH_CALLPLAN_REPEATS", "20"))
    wanted = os.environ.get("LEORA_BENCH_CALLPLAN_DATABASES", "postgresql").split(",")
    urls = {
        "postgresql": os.environ.get(
            "LEORA_BENCH_CALLPLAN_PG_URL", "postgres://postgres@127.0.0.1:5432/leora_bench_callplan"
        ),
        "sqlite": "sqlite:///" + os.environ.get(
            "LEORA_BENCH_CALLPLAN_SQLITE", str(ROOT / "var" / "bench_callplan.sqlite3")
        ),
    }  # fmt: skip
    labels = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
    results = [
        (labels[name], _run_worker(labels[name], urls[name], customers, repeats))
        for name in (w.strip() for w in wanted)
        if name in urls
    ]
    return report(customers, repeats, results)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        print(run())
