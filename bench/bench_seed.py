"""Seeding speed and memory: `leora seed_demo` with 10,000 and 100,000 customers.

Each run happens in a child process with its own LEORA_VAR_DIR and SQLite file, so it never touches
var/leora.sqlite3, and so its peak RSS is its own. PostgreSQL is measured too when DATABASE_URL or
BENCH_POSTGRES_URL points at PostgreSQL: give it a scratch database; the bench tenant it seeds there
is deleted again afterwards.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# BENCH_SEED_SIZES=1000,5000 gives a quick look; the published table uses the defaults.
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SEED_SIZES", "10000,100000").split(","))
ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-26"


def _child(customers: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.db import connection

    from leora.demo.generator import SeedOptions, seed_tenant, tenant_delete
    from leora.demo.presets import preset_for
    from leora.tenancy.models import Tenant

    call_command("migrate", verbosity=0)
    slug = f"bench{customers}"
    stale = Tenant.objects.filter(slug=slug).first()
    if stale is not None:
        tenant_delete(stale)
    started = time.monotonic()
    result = seed_tenant(
        preset_for(slug), SeedOptions(customers=customers, seed=42, today=date.fromisoformat(TODAY))
    )
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"customers": result.customers, "lines": result.order_lines, "orders": result.orders,
             "seconds": seconds, "peak_mb": peak_mb}
        ),
        flush=True,
    )  # fmt: skip
    if connection.vendor == "postgresql":
        # A SQLite file goes with its temporary directory; a PostgreSQL database is someone's to keep.
        tenant_delete(result.tenant)


def _measure(customers: int, database_url: str | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="leora-bench-seed-") as var_dir:
        env = {**os.environ, "LEORA_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "leora.settings"}
        env["DATABASE_URL"] = database_url or f"sqlite:///{var_dir}/bench.sqlite3"
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_seed", "--child", str(customers)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _postgres_url() -> str | None:
    for name in ("BENCH_POSTGRES_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql://")):
            return url
    return None


def run() -> str:
    """Return a Markdown table: customers, orders, order lines, seconds and peak RSS per database."""
    databases: list[tuple[str, str | None]] = [("SQLite", None)]
    postgres = _postgres_url()
    if postgres:
        databases.append(("PostgreSQL", postgres))
    rows = []
    for label, url in databases:
        for customers in SIZES:
            m = _measure(customers, url)
            rows.append(
                f"| {label} | {int(m['customers']):,} | {int(m['orders']):,} | {int(m['lines']):,} "
                f"| {m['seconds']:.0f} | {m['lines'] / m['seconds']:,.0f} | {m['peak_mb']:.0f} |"
            )
    header = (
        "### Seeding demo data (`leora seed_demo`, two years of history)\n\n"
        "| database | customers | orders | order lines | seconds | lines/s | peak RSS MB |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    return "\n".join([header, *rows])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]))
    else:
        print(run())
