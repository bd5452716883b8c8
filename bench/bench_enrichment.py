"""The nightly enrichment and account-type runs at scale, on SQLite and PostgreSQL in the same run.

For each database a worker process (``python -m bench.bench_enrichment --worker N``) migrates its own
database, seeds a demo tenant (``leora seed_demo``), then times:

* the tenant-wide ``customer_enrichment`` computation (``enrichment_compute``), customers per second;
* one customer's run after an order (scored against the stored RFM breakpoints), best of 5;
* the first ``account_type_update`` over the seeded types (how many changed), and a second run over
  the same data, which must change nothing.

Environment: LEORA_BENCH_ENRICHMENT_CUSTOMERS (default 2000), LEORA_BENCH_ENRICHMENT_PG_URL (default
postgres://postgres@127.0.0.1:5432/leora_bench_enrichment), LEORA_BENCH_ENRICHMENT_SQLITE (default
var/bench_enrichment.sqlite3), LEORA_BENCH_ENRICHMENT_DATABASES (default "sqlite,postgresql").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.database import ensure_database

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-enrichment"


def measure(tenant: Any) -> dict[str, Any]:
    """Time the runs on ``tenant`` (already seeded); returns the figures."""
    from leora.crm.models import Customer
    from leora.enrichment.account_types import account_types_update
    from leora.enrichment.compute import enrichment_compute
    from leora.enrichment.models import AccountTypeRun
    from leora.tenancy.calendar import tenant_today

    customers = Customer.objects.for_tenant(tenant).count()
    started = time.perf_counter()
    result = enrichment_compute(tenant=tenant)
    tenant_s = time.perf_counter() - started
    one = (
        Customer.objects.for_tenant(tenant)
        .filter(orders__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    first = one.first()
    single = []
    for _ in range(5):
        started = time.perf_counter()
        enrichment_compute(tenant=tenant, customer_ids=[first] if first else [])
        single.append(time.perf_counter() - started)
    runs = []
    for _ in range(2):
        run = AccountTypeRun.objects.create(tenant=tenant, job_id=uuid.uuid4(), as_of=tenant_today(tenant))
        started = time.perf_counter()
        run = account_types_update(tenant=tenant, run=run)
        runs.append({"s": time.perf_counter() - started, "changed": run.changed, "processed": run.processed})
    from django.db import connection

    return {
        "vendor": connection.vendor,
        "customers": customers,
        "scored": result["rfm_customers"],
        "tenant_s": tenant_s,
        "single_ms": min(single) * 1000,
        "types": runs,
    }


def worker(customers: int) -> dict[str, Any]:
    """Seed and measure on the database of DATABASE_URL; returns the figures."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    django.setup()
    from django.core.management import call_command

    from leora.tenancy.models import Tenant
    from leora.tenancy.scoping import scopes_disabled

    ensure_database()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with scopes_disabled():
        call_command("seed_demo", tenant_slug=SLUG, customers=customers, replace=True, verbosity=0)
        return measure(Tenant.objects.get(slug=SLUG))


def _run_worker(label: str, url: str, customers: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "leora.settings"}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_enrichment", "--worker", str(customers)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    sys.stderr.write(completed.stderr[-4000:])
    if completed.returncode != 0:
        return {"vendor": label, "error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def report(customers: int, results: list[tuple[str, dict[str, Any]]]) -> str:
    """Return the Markdown table of the figures of each database."""
    lines = [
        f"## Enrichment: a demo tenant of {customers:,} customers",
        "",
        "Tenant run: `enrichment_compute` over every customer (cadence and health score through the "
        "health panel, RFM, products, weekday). One customer: the run after an order, best of 5. "
        "Account types: the first classification of the seeded book, then a second run over the same data.",
        "",
        "| Database | Customers | Scored (RFM) | Tenant run (s) | Customers/s | One customer (ms) "
        "| Types, 1st run (s) | Changed | Types, 2nd run (s) | Changed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in results:
        if "error" in r:
            lines.append(f"| {label} | failed: {r['error']} | | | | | | | | |")
            continue
        first, second = r["types"]
        rate = r["customers"] / r["tenant_s"] if r["tenant_s"] else 0
        lines.append(
            f"| {label} | {r['customers']:,} | {r['scored']:,} | {r['tenant_s']:.1f} | {rate:,.0f} "
            f"| {r['single_ms']:.0f} | {first['s']:.2f} | {first['changed']:,} | {second['s']:.2f} "
            f"| {second['changed']:,} |"
        )
    return "\n".join(lines) + "\n"


def run() -> str:
    customers = int(os.environ.get("LEORA_BENCH_ENRICHMENT_CUSTOMERS", "2000"))
    wanted = os.environ.get("LEORA_BENCH_ENRICHMENT_DATABASES", "sqlite,postgresql").split(",")
    sqlite = os.environ.get("LEORA_BENCH_ENRICHMENT_SQLITE", str(ROOT / "var" / "bench_enrichment.sqlite3"))
    urls = {
        "sqlite": ("SQLite", f"sqlite:///{sqlite}"),
        "postgresql": (
            "PostgreSQL",
            os.environ.get(
                "LEORA_BENCH_ENRICHMENT_PG_URL", "postgres://postgres@127.0.0.1:5432/leora_bench_enrichment"
            ),
        ),
    }
    results = [(urls[k][0], _run_worker(*urls[k], customers)) for k in wanted if k in urls]
    return report(customers, results)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(int(sys.argv[2]))))
    else:
        print(run())
