"""``leora rebuild_facts [--tenant SLUG]``: recompute customer facts now, with a progress bar."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leora.crm.facts import facts_rebuild
from leora.demo.progress import ProgressBar
from leora.tenancy.models import Tenant
from leora.tenancy.scoping import scopes_disabled


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, got {value!r}") from error


class Command(BaseCommand):
    help = (
        "Recompute the customer facts the metrics read (order counts, reorder intervals, windows, "
        "balances) for one tenant or every tenant. Writes keep them current; this repairs and re-bases."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="only the tenant with this slug (default: every tenant)")
        parser.add_argument("--as-of", type=_day, help="day of the rolling windows (default: today there)")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.order_by("pk")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"no tenant with slug {options['tenant']!r}")
        for tenant in tenants:
            bar = self._progress_bar(tenant.slug)
            started = time.monotonic()
            with scopes_disabled():
                count = facts_rebuild(tenant=tenant, as_of=options["as_of"], progress=bar)
            elapsed = time.monotonic() - started
            self.stdout.write(f"Rebuilt facts of {count:,} customers of {tenant.slug} in {elapsed:.1f} s.")

    def _progress_bar(self, slug: str) -> ProgressBar:
        def write(text: str) -> None:
            self.stderr.write(text, ending="")
            self.stderr.flush()

        return ProgressBar(write, f"{slug:>10}", min_interval=0.2 if self.stderr.isatty() else 10.0)
