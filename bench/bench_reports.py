"""Reports at scale: each report type in each format for an admin, tenant-wide, on a seeded demo tenant.

A child process (own LEORA_VAR_DIR and SQLite file, so var/leora.sqlite3 is never touched) seeds
BENCH_REPORTS_CUSTOMERS customers (default 10,000) with two years of history, then times, for the last
90 days, reading each report's figures (the builders, through the same selectors as the pages) and
writing each format, with the rows, the file size and the process's peak RSS after the run. The
customer statement is the largest debtor's.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = int(os.environ.get("BENCH_REPORTS_CUSTOMERS", "10000"))
FORMATS = tuple(os.environ.get("BENCH_REPORTS_FORMATS", "csv,xlsx,pdf").split(","))
TODAY = "2026-11-26"
SLUG = "bench-reports"


def measure(tenant: Any, *, days: int = 90, formats: tuple[str, ...] = FORMATS) -> list[dict[str, Any]]:
    """Build every report type for the tenant's first admin over the last ``days`` days and write it
    in each of ``formats``; return one row of figures per type and format."""
    from django.db.models import F, Sum
    from django.utils import timezone

    from leora.crm.models import Invoice
    from leora.reports.builders import BUILDERS, ReportRequest
    from leora.reports.writers import WRITERS, Heading
    from leora.tenancy.actors import actor_for
    from leora.tenancy.calendar import tenant_today
    from leora.tenancy.models import Membership, Role

    admin = Membership.objects.select_related("tenant", "user").filter(tenant=tenant, role=Role.ADMIN).first()
    assert admin is not None, "the demo tenant has an admin"
    actor = actor_for(admin)
    today = tenant_today(tenant)
    debtor = (
        Invoice.objects.for_tenant(tenant)
        .values("customer_id")
        .annotate(owed=Sum(F("amount") - F("paid_amount")))
        .order_by("-owed")
        .values_list("customer_id", flat=True)
        .first()
    )
    rows = []
    for report_type, build in BUILDERS.items():
        request = ReportRequest(
            actor=actor,
            date_from=today - timedelta(days=days - 1),
            date_to=today,
            customer_id=debtor if report_type == "customer_statement" else None,
        )
        started = time.perf_counter()
        data = build(request, lambda percent, message: None)
        read_s = time.perf_counter() - started
        heading = Heading(
            tenant=tenant, title=data.title, date_from=request.date_from, date_to=request.date_to,
            scope="Everyone", requested_by=admin.user.display_name, generated_at=timezone.now(),
        )  # fmt: skip
        for file_format in formats:
            started = time.perf_counter()
            content = WRITERS[file_format](data, heading)
            rows.append(
                {
                    "type": report_type,
                    "format": file_format,
                    "rows": len(data.rows),
                    "read_s": read_s,
                    "write_s": time.perf_counter() - started,
                    "kb": len(content) / 1024,
                }
            )
    return rows


def table(customers: int, rows: list[dict[str, Any]], peak_mb: float | None = None) -> str:
    """Return the figures as a Markdown table with a heading saying what was measured."""
    lines = [
        f"### Reports for an admin, tenant-wide, last 90 days ({customers:,} customers, SQLite)\n",
        "| report | format | rows | read s | write s | file KB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['type']} | {row['format']} | {row['rows']:,} | {row['read_s']:.2f} "
            f"| {row['write_s']:.2f} | {row['kb']:,.0f} |"
        )
    if peak_mb is not None:
        lines.append(f"\nPeak RSS of the process (seeding included): {peak_mb:.0f} MB.")
    return "\n".join(lines)


def _child(customers: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from leora.demo.generator import SeedOptions, seed_tenant
    from leora.demo.presets import preset_for
    from leora.tenancy.scoping import scopes_disabled

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        result = seed_tenant(
            preset_for(SLUG), SeedOptions(customers=customers, seed=42, today=date.fromisoformat(TODAY))
        )
        rows = measure(result.tenant)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "peak_mb": peak_mb}), flush=True)


def run() -> str:
    """Seed a tenant in a child process and return the table of its reports' timings."""
    with tempfile.TemporaryDirectory(prefix="leora-bench-reports-") as var_dir:
        env = {**os.environ, "LEORA_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "leora.settings"}
        env["DATABASE_URL"] = f"sqlite:///{var_dir}/bench.sqlite3"
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_reports", "--child", str(CUSTOMERS)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return table(CUSTOMERS, figures["rows"], figures["peak_mb"])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]))
    else:
        print(run())
