"""Metric evaluation against hand-written SQL, on SQLite and PostgreSQL in the same run.

For each database a worker process (``python -m bench.bench_metrics --worker``) migrates its own
database, seeds a demo tenant once (``leora seed_demo``, 100k customers by default), then times:

* ``at_risk_customer`` for the whole tenant through ``metric_customers`` (the compiled formula), and
  a hand-written SQL query computing the same set; both must return the same ids;
* on SQLite, ``GET /api/metrics/definitions`` of a tenant with 2,000 definitions (p50 and p95).

Environment: LEORA_BENCH_METRICS_CUSTOMERS (default 100000), LEORA_BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/leora_bench), LEORA_BENCH_SQLITE (default var/bench_metrics.sqlite3),
LEORA_BENCH_METRICS_DATABASES (default "sqlite,postgresql").
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 6, 30)
SLUG = "bench-metrics"
REPEATS = 3
LIST_DEFINITIONS = 2000
LIST_REQUESTS = 200

HAND_WRITTEN = """
WITH o AS (
    SELECT customer_id, order_date,
           ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY order_date DESC, id DESC) AS rn,
           LEAD(order_date) OVER (PARTITION BY customer_id ORDER BY order_date DESC, id DESC) AS previous
    FROM crm_order
    WHERE tenant_id = %(tenant)s AND status <> 'cancelled'
),
stats AS (
    SELECT customer_id, COUNT(*) AS orders, MAX(order_date) AS last_order FROM o GROUP BY customer_id
),
gaps AS (
    SELECT customer_id, {gap} AS gap FROM o WHERE rn <= 12 AND previous IS NOT NULL
),
ranked AS (
    SELECT customer_id, gap,
           ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY gap) AS k,
           COUNT(*) OVER (PARTITION BY customer_id) AS n
    FROM gaps
),
medians AS (
    SELECT customer_id, AVG(gap) AS median FROM ranked
    WHERE n >= 2 AND k IN ((n + 1) / 2, (n + 2) / 2) GROUP BY customer_id
)
SELECT c.id
FROM crm_customer c
JOIN stats s ON s.customer_id = c.id
JOIN medians m ON m.customer_id = c.id
WHERE c.tenant_id = %(tenant)s AND s.orders >= 3 AND m.median <> 0
  AND CAST({since} AS DOUBLE PRECISION) / m.median >= 1.5
  AND CAST({since} AS DOUBLE PRECISION) / m.median <= 3
"""
DIALECT = {
    "sqlite": {
        "gap": "julianday(order_date) - julianday(previous)",
        "since": "julianday(%(today)s) - julianday(s.last_order)",
    },
    "postgresql": {
        "gap": "(order_date - previous)",
        "since": "(CAST(%(today)s AS date) - s.last_order)",
    },
}


def _hand_written_ids(tenant_id: int) -> list[int]:
    from django.db import connection

    sql = HAND_WRITTEN.format(**DIALECT[connection.vendor])
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tenant": tenant_id, "today": TODAY.isoformat()})
        return [row[0] for row in cursor.fetchall()]


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _seed(customers: int) -> Any:
    from django.core.management import call_command

    from leora.crm.models import Customer
    from leora.tenancy.models import Tenant
    from leora.tenancy.scoping import scopes_disabled

    with scopes_disabled():
        tenant = Tenant.objects.filter(slug=SLUG).first()
        if tenant is None or Customer.objects.for_tenant(tenant).count() != customers:
            call_command(
                "seed_demo", tenant_slug=SLUG, customers=customers, today=TODAY, replace=True, verbosity=1
            )
            tenant = Tenant.objects.get(slug=SLUG)
    return tenant


def _admin(tenant: Any) -> Any:
    from leora.tenancy.actors import actor_for
    from leora.tenancy.models import Membership, Role

    membership = (
        Membership.objects.select_related("tenant", "user").filter(tenant=tenant, role=Role.ADMIN).first()
    )
    assert membership is not None, "the seeded tenant has no admin"
    return actor_for(membership)


def _list_latency() -> dict[str, float]:
    from django.test import Client

    from leora.metrics.models import MetricDefinition, MetricVersion
    from leora.tenancy.models import Membership, Role, Tenant, User
    from leora.tenancy.services.tokens import api_token_create

    tenant = Tenant.objects.filter(slug=f"{SLUG}-list").first()
    if tenant is None:
        tenant = Tenant.objects.create(slug=f"{SLUG}-list", name="Bench metric list")
    user = User.objects.filter(email="admin@bench-list.test").first() or User.objects.create_user(
        "admin@bench-list.test", "bench-password-1"
    )
    Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": Role.ADMIN})
    have = MetricDefinition.objects.for_tenant(tenant).count()
    if have < LIST_DEFINITIONS:
        missing = range(have, LIST_DEFINITIONS)
        definitions = MetricDefinition.objects.for_tenant(tenant).bulk_create(
            MetricDefinition(tenant=tenant, code=f"bench_metric_{i:05d}", name=f"Bench metric {i}",
                             kind="segment", description="Customers with many orders and an open balance")
            for i in missing
        )  # fmt: skip
        MetricVersion.objects.for_tenant(tenant).bulk_create(
            MetricVersion(tenant=tenant, definition=d, code=d.code, version=1, name=d.name, kind="segment",
                          description=d.description, formula=f"order_count >= {i % 10} and balance_due > 0")
            for i, d in enumerate(definitions)
        )  # fmt: skip
    token = api_token_create(tenant=tenant, user=user, name="bench").plaintext
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/metrics/definitions", headers=headers)  # warm up
    samples = []
    for i in range(LIST_REQUESTS):
        params = {"page": str(1 + i % 20)} if i % 2 else {"search": "metric 1"}
        elapsed, response = _timed(
            lambda p=params: client.get("/api/metrics/definitions", p, headers=headers)
        )
        assert response.status_code == 200
        samples.append(elapsed * 1000)
    samples.sort()
    return {"p50_ms": statistics.median(samples), "p95_ms": samples[int(len(samples) * 0.95) - 1]}


def _use_template_formula(tenant: Any, actor: Any, code: str) -> None:
    """Measure the shipped definition even when the seeded tenant holds an older version of it."""
    from leora.metrics.defaults import TEMPLATES_BY_CODE
    from leora.metrics.models import MetricDefinition
    from leora.metrics.services import metric_update

    definition = MetricDefinition.objects.for_tenant(tenant).get(code=code)
    template = TEMPLATES_BY_CODE[code]
    metric_update(actor=actor, definition=definition, changes={"formula": template.formula},
                  change_note="Benchmark: the shipped template")  # fmt: skip


def worker(customers: int) -> dict[str, Any]:
    """Measure on the database of DATABASE_URL; returns the figures as a dict."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from leora.crm.models import Customer, Order, OrderLine
    from leora.metrics.services import install_default_metrics, metric_customers
    from leora.tenancy.scoping import scopes_disabled

    call_command("migrate", verbosity=0)
    tenant = _seed(customers)
    with scopes_disabled():
        install_default_metrics(tenant)
        actor = _admin(tenant)
        _use_template_formula(tenant, actor, "at_risk_customer")
        sizes = {
            "customers": Customer.objects.for_tenant(tenant).count(),
            "orders": Order.objects.for_tenant(tenant).count(),
            "order_lines": OrderLine.objects.for_tenant(tenant).count(),
        }
        compiled, hand = [], []
        compiled_ids: list[int] = []
        hand_ids: list[int] = []
        for _ in range(REPEATS):
            elapsed, compiled_ids = _timed(
                lambda: list(
                    metric_customers(tenant, "at_risk_customer", actor, today=TODAY).values_list(
                        "pk", flat=True
                    )
                )
            )
            compiled.append(elapsed)
            elapsed, hand_ids = _timed(lambda: _hand_written_ids(tenant.pk))
            hand.append(elapsed)
        assert sorted(compiled_ids) == sorted(hand_ids), "the compiled formula and the SQL disagree"
        result: dict[str, Any] = {
            "vendor": connection.vendor,
            **sizes,
            "matching": len(hand_ids),
            "compiled_s": min(compiled),
            "hand_s": min(hand),
        }
        if connection.vendor == "sqlite":
            result["list"] = _list_latency()
    return result


def _run_worker(label: str, url: str, customers: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "leora.settings"}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_metrics", "--worker", str(customers)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    sys.stderr.write(completed.stderr[-4000:])
    if completed.returncode != 0:
        return {"vendor": label, "error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def run() -> str:
    customers = int(os.environ.get("LEORA_BENCH_METRICS_CUSTOMERS", "100000"))
    sqlite_path = os.environ.get("LEORA_BENCH_SQLITE", str(ROOT / "var" / "bench_metrics.sqlite3"))
    targets = {
        "sqlite": ("SQLite", f"sqlite:///{sqlite_path}"),
        "postgresql": (
            "PostgreSQL",
            os.environ.get("LEORA_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/leora_bench"),
        ),
    }
    wanted = os.environ.get("LEORA_BENCH_METRICS_DATABASES", "sqlite,postgresql").split(",")
    results = [(targets[key][0], _run_worker(targets[key][0], targets[key][1], customers)) for key in wanted]
    lines = [
        f"## Metrics: `at_risk_customer` on {customers:,} customers, compiled formula vs hand-written SQL",
        "",
        "Best of 3 runs each, same process, same data; the two must return the same customers. "
        "Target: compiled at most 1.3x the hand-written query.",
        "",
        "| Database | Customers | Orders | Order lines | Matching | Compiled (s) | Hand-written (s) "
        "| Ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in results:
        if "error" in r:
            lines.append(f"| {label} | failed: {r['error']} | | | | | | |")
            continue
        ratio = r["compiled_s"] / r["hand_s"] if r["hand_s"] else float("nan")
        lines.append(
            f"| {label} | {r['customers']:,} | {r['orders']:,} | {r['order_lines']:,} | {r['matching']:,} | "
            f"{r['compiled_s']:.2f} | {r['hand_s']:.2f} | {ratio:.2f}x |"
        )
    listing = next((r["list"] for _, r in results if "list" in r), None)
    if listing:
        lines += [
            "",
            f"## Metrics: `GET /api/metrics/definitions` with {LIST_DEFINITIONS:,} definitions (SQLite)",
            "",
            f"{LIST_REQUESTS} requests (pages and searches) through the full Django stack; "
            "target p95 under 30 ms.",
            "",
            "| p50 (ms) | p95 (ms) |",
            "|---:|---:|",
            f"| {listing['p50_ms']:.1f} | {listing['p95_ms']:.1f} |",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        figures = worker(int(sys.argv[2]) if len(sys.argv) > 2 else 100000)
        print(json.dumps(figures))
    else:
        print(run())
