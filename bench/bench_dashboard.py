"""The dashboard at scale, on SQLite and PostgreSQL in the same run.

For each database a worker process (``python -m bench.bench_dashboard --worker N``) migrates its own
database, seeds a demo tenant once (``leora seed_demo``, anchored on today so the facts' windows are
today's), rebuilds its customer facts (timed), then measures:

* the five health counts tenant-wide (healthy, due, at risk, dormant, declining revenue) over the
  customer facts and over the raw orders (``use_facts=False``): the same customers, and the ratio;
* the whole dashboard data (the layout plus the ten widgets' data, ``widget_data`` in process) for a
  rep and tenant-wide for an admin, cold (tokens replaced before each run) and warm (from the cache);
* ``GET /api/dashboard/widgets/layout`` of a layout of 100 widgets through the full Django stack;
* one order write (``order_create``, two lines, rolled back) with and without the facts refresh.

Environment: LEORA_BENCH_DASHBOARD_CUSTOMERS (default 100000, the issue's size), LEORA_BENCH_DASHBOARD_PG_URL
(default postgres://postgres@127.0.0.1:5432/leora_bench_dashboard), LEORA_BENCH_DASHBOARD_SQLITE (default
var/bench_dashboard.sqlite3), LEORA_BENCH_DASHBOARD_DATABASES (default "sqlite,postgresql"),
LEORA_BENCH_DASHBOARD_REPEATS (default 20).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.database import ensure_database

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-dashboard"
HEALTH = ["healthy_customer", "due_to_order", "at_risk_customer", "dormant_customer", "declining_revenue"]
LAYOUT_WIDGETS = 100
TARGETS = {
    "rep_cold_p95_ms": 150,
    "rep_warm_p95_ms": 30,
    "admin_cold_s": 1.0,
    "health_ratio": 10,
    "layout_p95_ms": 50,
    "facts_write_ms": 5,
}


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


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


def _actor(tenant: Any, role: str) -> Any:
    from django.db.models import Count

    from leora.crm.models import Customer
    from leora.tenancy.actors import actor_for
    from leora.tenancy.models import Membership

    memberships = Membership.objects.select_related("tenant", "user").filter(tenant=tenant, role=role)
    if role == "sales_rep":
        # The rep with the largest book: the slowest rep dashboard.
        busiest = (
            Customer.objects.for_tenant(tenant).values("assigned_rep_id").annotate(n=Count("id"))
            .order_by("-n").values_list("assigned_rep_id", flat=True).first()
        )  # fmt: skip
        memberships = memberships.filter(user_id=busiest) if busiest else memberships
    membership = memberships.order_by("pk").first()
    assert membership is not None, f"the seeded tenant has no {role}"
    return actor_for(membership)


def _health_counts(tenant: Any, actor: Any, repeats: int) -> list[dict[str, Any]]:
    from leora.crm.visibility import visible_customers
    from leora.metrics.evaluation import build_context, filter_segment, load_metric

    rows = []
    for code in HEALTH:
        stored = load_metric(tenant, code)
        assert stored is not None, code
        timings: dict[bool, list[float]] = {True: [], False: []}
        found: dict[bool, list[int]] = {}
        for _ in range(repeats):
            for use_facts in (True, False):
                ctx = build_context(tenant, use_facts=use_facts)
                segment = filter_segment(visible_customers(actor), stored.checked, ctx)
                started = time.perf_counter()
                ids = sorted(segment.values_list("pk", flat=True))
                elapsed = time.perf_counter() - started
                timings[use_facts].append(elapsed)
                found[use_facts] = ids
        assert found[True] == found[False], f"{code}: facts and raw orders disagree"
        rows.append({"code": code, "matching": len(found[True]), "facts_s": min(timings[True]),
                     "raw_s": min(timings[False])})  # fmt: skip
    return rows


def _dashboard(actor: Any, repeats: int) -> dict[str, float]:
    from leora.dashboard.data import widget_data
    from leora.dashboard.layouts import DEFAULT_WIDGETS, effective_layout
    from leora.metrics import cache

    def whole() -> None:
        effective_layout(actor=actor)
        for widget_type in DEFAULT_WIDGETS:
            widget_data(actor=actor, widget_type=widget_type)

    cold, warm = [], []
    for _ in range(repeats):
        cache.bump("data", actor.tenant.pk)  # what any write does: every cached widget is unreachable
        cold.append(_timed(whole)[0] * 1000)
        warm.append(_timed(whole)[0] * 1000)
    return {"cold_p50_ms": statistics.median(cold), "cold_p95_ms": _p95(cold),
            "warm_p50_ms": statistics.median(warm), "warm_p95_ms": _p95(warm)}  # fmt: skip


def _layout_latency(tenant: Any, rep: Any, requests: int) -> dict[str, float]:
    from django.test import Client

    from leora.dashboard.layouts import effective_layout, widget_add
    from leora.tenancy.services.tokens import api_token_create

    have = len(effective_layout(actor=rep).widgets)
    for index in range(have, LAYOUT_WIDGETS):
        widget_add(actor=rep, widget_type="top_products", config={"limit": 1 + index % 10})
    token = api_token_create(tenant=tenant, user=rep.user, name="bench-layout").plaintext
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    first = client.get("/api/dashboard/widgets/layout", headers=headers)
    assert first.status_code == 200 and len(first.json()["widgets"]) == LAYOUT_WIDGETS, first.content[:200]
    samples = []
    for _ in range(requests):
        elapsed, response = _timed(lambda: client.get("/api/dashboard/widgets/layout", headers=headers))
        assert response.status_code == 200
        samples.append(elapsed * 1000)
    return {"p50_ms": statistics.median(samples), "p95_ms": _p95(samples)}


def _order_write(tenant: Any, admin: Any, repeats: int) -> dict[str, float]:
    from django.db import transaction
    from django.db.models import Count

    from leora.crm import facts
    from leora.crm.models import Customer, Order, Product
    from leora.crm.services.orders import LineRequest, order_create

    # A customer with a long history: the refresh reads all of it.
    busiest = (
        Order.objects.for_tenant(tenant).values("customer_id").annotate(n=Count("id"))
        .order_by("-n").values_list("customer_id", flat=True).first()
    )  # fmt: skip
    customer = Customer.objects.for_tenant(tenant).get(pk=busiest)
    products = list(Product.objects.for_tenant(tenant).filter(active=True).order_by("pk")[:2])
    lines = [LineRequest(product_id=p.pk, quantity=1) for p in products]
    real_refresh = facts.facts_refresh

    def write() -> None:
        with transaction.atomic():
            order_create(actor=admin, customer_id=customer.pk, lines=lines)
            transaction.set_rollback(True)

    samples: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(repeats):
        for with_facts in (True, False):
            facts.facts_refresh = real_refresh if with_facts else (lambda **kwargs: 0)
            try:
                samples[with_facts].append(_timed(write)[0] * 1000)
            finally:
                facts.facts_refresh = real_refresh
    slow, fast = statistics.median(samples[True]), statistics.median(samples[False])
    history = Order.objects.for_tenant(tenant).filter(customer=customer).count()
    return {"with_ms": slow, "without_ms": fast, "facts_ms": slow - fast,
            "orders_of_customer": history}  # fmt: skip


def measure(tenant: Any, repeats: int) -> dict[str, Any]:
    """Run every measurement on ``tenant`` (already seeded); returns the figures."""
    from django.db import connection

    from leora.crm.facts import facts_rebuild
    from leora.crm.models import Customer, Order, OrderLine
    from leora.dbstats import planner_statistics_refresh
    from leora.metrics.services import install_default_metrics

    install_default_metrics(tenant)
    rebuild_s, _ = _timed(lambda: facts_rebuild(tenant=tenant))
    # As the nightly rebuild does: the planner plans with statistics of the seeded tables.
    planner_statistics_refresh()
    admin, rep = _actor(tenant, "admin"), _actor(tenant, "sales_rep")
    return {
        "vendor": connection.vendor,
        "customers": Customer.objects.for_tenant(tenant).count(),
        "orders": Order.objects.for_tenant(tenant).count(),
        "order_lines": OrderLine.objects.for_tenant(tenant).count(),
        "rep_customers": Customer.objects.for_tenant(tenant).filter(assigned_rep=rep.user).count(),
        "rebuild_s": rebuild_s,
        "health": _health_counts(tenant, admin, max(1, min(repeats, 3))),
        "rep": _dashboard(rep, repeats),
        "admin": _dashboard(admin, max(1, repeats // 4)),
        "layout": _layout_latency(tenant, rep, repeats * 5),
        "write": _order_write(tenant, admin, repeats * 2),
    }


def worker(customers: int, repeats: int) -> dict[str, Any]:
    """Measure on the database of DATABASE_URL; returns the figures as a dict."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    django.setup()
    from django.core.management import call_command

    from leora.tenancy.scoping import scopes_disabled

    ensure_database()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    with scopes_disabled():
        return measure(_seed(customers), repeats)


def _run_worker(label: str, url: str, customers: int, repeats: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "leora.settings"}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_dashboard", "--worker", str(customers), str(repeats)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    sys.stderr.write(completed.stderr[-4000:])
    if completed.returncode != 0:
        return {"vendor": label, "error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def _mark(value: float, target: float, lower_is_better: bool = True) -> str:
    met = value <= target if lower_is_better else value >= target
    return "met" if met else "missed"


def report(customers: int, repeats: int, results: list[tuple[str, dict[str, Any]]]) -> str:
    """Return the Markdown tables of the figures of each database."""
    lines = [
        f"## Dashboard: {customers:,} customers per tenant, customer facts vs raw orders",
        "",
        "Health counts: the five segments tenant-wide for an admin, best of 3, over the facts table and over "
        "the raw orders (`use_facts=False`); both must return the same customers. Target: at least 10x.",
        "",
        "| Database | Customers | Orders | Facts rebuild (s) | Segment | Matching | Facts (ms) | Raw (ms) "
        "| Ratio |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|",
    ]
    for label, r in results:
        if "error" in r:
            lines.append(f"| {label} | failed: {r['error']} | | | | | | | |")
            continue
        for index, h in enumerate(r["health"]):
            head = (f"| {label} | {r['customers']:,} | {r['orders']:,} | {r['rebuild_s']:.1f} " if index == 0
                    else "| | | | ")  # fmt: skip
            ratio = h["raw_s"] / h["facts_s"] if h["facts_s"] else float("nan")
            lines.append(
                f"{head}| {h['code']} | {h['matching']:,} | {h['facts_s'] * 1000:.1f} "
                f"| {h['raw_s'] * 1000:.1f} | {ratio:.1f}x |"
            )
    lines += [
        "",
        f"Whole dashboard: the layout and the ten widgets' data in process, {repeats} runs (admin: "
        f"{max(1, repeats // 4)}); cold = every cached widget made unreachable first (as any write does), "
        "warm = straight after. Layout: `GET /api/dashboard/widgets/layout` with 100 widgets through the "
        "full stack. "
        "Order write: `order_create` with two lines for the customer with the longest history, median, "
        "with and without the facts refresh. Targets: rep p95 150 ms cold and 30 ms warm, admin cold 1 s, "
        "layout p95 50 ms, facts under 5 ms a write.",
        "",
        "| Database | Rep's book | Rep cold p50 / p95 (ms) | Rep warm p50 / p95 (ms) "
        "| Admin cold p50 / p95 (ms) | Admin warm p50 / p95 (ms) | Layout p50 / p95 (ms) | Order write (ms) "
        "| Facts share (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in results:
        if "error" in r:
            continue
        rep, admin, write, layout = r["rep"], r["admin"], r["write"], r["layout"]
        rep_cold = _mark(rep["cold_p95_ms"], TARGETS["rep_cold_p95_ms"])
        rep_warm = _mark(rep["warm_p95_ms"], TARGETS["rep_warm_p95_ms"])
        admin_cold = _mark(admin["cold_p95_ms"] / 1000, TARGETS["admin_cold_s"])
        layout_mark = _mark(layout["p95_ms"], TARGETS["layout_p95_ms"])
        write_mark = _mark(write["facts_ms"], TARGETS["facts_write_ms"])
        lines.append(
            f"| {label} | {r['rep_customers']:,} "
            f"| {rep['cold_p50_ms']:.0f} / {rep['cold_p95_ms']:.0f} ({rep_cold}) "
            f"| {rep['warm_p50_ms']:.1f} / {rep['warm_p95_ms']:.1f} ({rep_warm}) "
            f"| {admin['cold_p50_ms']:.0f} / {admin['cold_p95_ms']:.0f} ({admin_cold}) "
            f"| {admin['warm_p50_ms']:.1f} / {admin['warm_p95_ms']:.1f} "
            f"| {layout['p50_ms']:.1f} / {layout['p95_ms']:.1f} ({layout_mark}) "
            f"| {write['with_ms']:.1f} | {write['facts_ms']:.1f} ({write_mark}) |"
        )
    return "\n".join(lines)


def run() -> str:
    customers = int(os.environ.get("LEORA_BENCH_DASHBOARD_CUSTOMERS", "100000"))
    repeats = int(os.environ.get("LEORA_BENCH_DASHBOARD_REPEATS", "20"))
    sqlite_path = os.environ.get(
        "LEORA_BENCH_DASHBOARD_SQLITE", str(ROOT / "var" / "bench_dashboard.sqlite3")
    )
    targets = {
        "sqlite": ("SQLite", f"sqlite:///{sqlite_path}"),
        "postgresql": (
            "PostgreSQL",
            os.environ.get(
                "LEORA_BENCH_DASHBOARD_PG_URL", "postgres://postgres@127.0.0.1:5432/leora_bench_dashboard"
            ),
        ),
    }
    wanted = os.environ.get("LEORA_BENCH_DASHBOARD_DATABASES", "sqlite,postgresql").split(",")
    results = [
        (targets[key][0], _run_worker(targets[key][0], targets[key][1], customers, repeats)) for key in wanted
    ]
    return report(customers, repeats, results)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--worker":
        figures = worker(
            int(sys.argv[2]) if len(sys.argv) > 2 else 100000, int(sys.argv[3]) if len(sys.argv) > 3 else 20
        )
        print(json.dumps(figures))
    else:
        print(run())
