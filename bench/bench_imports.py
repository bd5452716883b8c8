"""Imports at scale: 100,000 customers from a CSV and from an XLSX, dry run and apply, on SQLite (and on
PostgreSQL when DATABASE_URL names one).

Each measurement runs in its own process (``python -m bench.bench_imports --worker ...``) so that its peak
resident memory (``ru_maxrss``, the Django process included) is its own: the issue's bound is 500 MB for
100,000 rows. The files are generated once (``LEORA_BENCH_IMPORTS_ROWS`` rows, default 100000); every
measurement imports into a fresh tenant, through ``import_upload`` and ``import_execute`` (the job's
handler without the queue around it).

Environment: LEORA_BENCH_IMPORTS_ROWS (default 100000), LEORA_BENCH_IMPORTS_SQLITE (default
var/bench_imports.sqlite3), DATABASE_URL (adds a PostgreSQL run when it is a postgres:// URL).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [("csv", "dry_run"), ("csv", "skip_bad_rows"), ("csv", "all_or_nothing"), ("xlsx", "dry_run"),
             ("xlsx", "skip_bad_rows")]  # fmt: skip
HEADERS = ["Account number", "Customer name", "Type", "City", "Territory", "Phone", "Email"]
PEAK_MB_LIMIT = 500


def _row(n: int) -> list[Any]:
    cities = ["Napa", "Sonoma", "Oakland", "Berkeley", "Sausalito", "Santa Rosa", "Petaluma"]
    kind = ["active", "prospect", "target"][n % 3]
    return [f"B{n:07d}", f"Venue {n} Bistro", kind, cities[n % len(cities)],
            f"T{n % 40:02d}", f"+1 707 555 {n % 10000:04d}", f"buyer{n}@venue{n}.test"]  # fmt: skip


def write_csv(path: Path, rows: int) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for n in range(rows):
            writer.writerow(_row(n))
    return path


def write_xlsx(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for n in range(rows):
        sheet.append(_row(n))
    workbook.save(path)
    return path


def measure(*, path: Path, mode: str) -> dict[str, Any]:
    """Import ``path`` into a new tenant in ``mode``; returns rows, seconds, rows/s and the counts."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leora.imports.services import import_execute, import_upload
    from leora.tenancy.actors import actor_for
    from leora.tenancy.models import Membership, Role, Tenant, User
    from leora.tenancy.scoping import tenant_scope

    slug = f"bench-imports-{uuid.uuid4().hex[:8]}"
    tenant = Tenant.objects.create(slug=slug, name="Bench imports")
    user = User.objects.create_user(email=f"admin@{slug}.test", password=None)
    membership = Membership.objects.create(tenant=tenant, user=user, role=Role.ADMIN)
    actor = actor_for(membership)
    with tenant_scope(tenant):
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        run = import_upload(actor=actor, uploaded=upload, entity="customers")
        del upload
        run.mode = mode
        started = time.perf_counter()
        result = import_execute(run=run, progress=lambda p, m: None, check_cancel=lambda: None)
        seconds = time.perf_counter() - started
    return {**result, "seconds": seconds, "rows_per_second": result["rows"] / seconds if seconds else 0.0}


def worker(file_format: str, mode: str, path: str) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leora.settings")
    django.setup()
    figures = measure(path=Path(path), mode=mode)
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["format"] = file_format
    return figures


def _migrate(env: dict[str, str]) -> None:
    for command in (["migrate"], ["createcachetable"]):
        subprocess.run([sys.executable, "-m", "leora.cli", *command, "--verbosity", "0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip


def _databases() -> list[tuple[str, str]]:
    sqlite = os.environ.get("LEORA_BENCH_IMPORTS_SQLITE", str(ROOT / "var" / "bench_imports.sqlite3"))
    databases = [("SQLite", f"sqlite:///{sqlite}")]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        databases.append(("PostgreSQL", url))
    return databases


def report(rows: int, results: list[tuple[str, str, str, dict[str, Any] | str]]) -> str:
    lines = [
        f"### Imports: {rows:,} customers per file",
        "",
        "| database | file | mode | rows/s | seconds | peak MB | created | within 500 MB |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    for database, file_format, mode, figures in results:
        if isinstance(figures, str):
            lines.append(f"| {database} | {file_format} | {mode} | failed: {figures} | | | | |")
            continue
        ok = "yes" if figures["peak_mb"] <= PEAK_MB_LIMIT else "**no**"
        lines.append(
            f"| {database} | {file_format.upper()} | {mode} | {figures['rows_per_second']:,.0f} | "
            f"{figures['seconds']:.1f} | {figures['peak_mb']:.0f} | {figures['created']:,} | {ok} |"
        )
    lines += [
        "",
        "Peak MB is the whole worker process (Python, Django and the import) as ru_maxrss reports it.",
    ]
    return "\n".join(lines)


def run() -> str:
    rows = int(os.environ.get("LEORA_BENCH_IMPORTS_ROWS", "100000"))
    results: list[tuple[str, str, str, dict[str, Any] | str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        files = {
            "csv": write_csv(Path(folder) / "customers.csv", rows),
            "xlsx": write_xlsx(Path(folder) / "customers.xlsx", rows),
        }
        for database, url in _databases():
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "leora.settings",
                   "LEORA_VAR_DIR": str(Path(folder) / "var")}  # fmt: skip
            (ROOT / "var").mkdir(exist_ok=True)
            _migrate(env)
            for file_format, mode in SCENARIOS:
                completed = subprocess.run(
                    [sys.executable, "-m", "bench.bench_imports", "--worker", file_format, mode,
                     str(files[file_format])],
                    cwd=ROOT, env=env, capture_output=True, text=True, check=False,
                )  # fmt: skip
                if completed.returncode != 0:
                    sys.stderr.write(completed.stderr[-4000:])
                    results.append(
                        (database, file_format, mode, completed.stderr.strip().splitlines()[-1][:120])
                    )
                    continue
                results.append(
                    (database, file_format, mode, json.loads(completed.stdout.strip().splitlines()[-1]))
                )
    return report(rows, results)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], sys.argv[4]), default=str))
    else:
        print(run())
