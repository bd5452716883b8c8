import re
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leora.demo.generator import SeedOptions, seed_tenant, tenant_delete
from leora.demo.presets import DEFAULT_SLUGS, preset_for
from leora.demo.progress import ProgressBar
from leora.tenancy.models import Tenant


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, got {value!r}") from error


class Command(BaseCommand):
    help = (
        "Create demo tenants with realistic, deterministic data: 'demo' (Cascade Wine & Spirits) and "
        "'northwind' by default, or one tenant with --tenant-slug. Logins use the password leora-demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant-slug", help="seed only this tenant (default: demo and northwind)")
        parser.add_argument("--customers", type=int, help="number of accounts (default: 300 for demo)")
        parser.add_argument("--seed", type=int, default=42, help="the same seed gives the same data")
        parser.add_argument("--years", type=int, default=2, help="years of order history")
        parser.add_argument("--today", type=_day, help="anchor date YYYY-MM-DD (default: today there)")
        parser.add_argument("--if-empty", action="store_true", help="skip a tenant that already exists")
        parser.add_argument("--replace", action="store_true", help="delete an existing tenant first")
        parser.add_argument("--batch-size", type=int, default=5000, help="rows per insert batch")

    def _progress_bar(self, slug: str) -> ProgressBar:
        def write(text: str) -> None:
            self.stderr.write(text, ending="")
            self.stderr.flush()

        # Redrawing five times a second suits a terminal; a log file only needs a line now and then.
        return ProgressBar(write, f"{slug:>10}", min_interval=0.2 if self.stderr.isatty() else 10.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and options["replace"]:
            raise CommandError("--if-empty and --replace contradict each other; pass one")
        if options["customers"] is not None and options["customers"] < 1:
            raise CommandError("--customers must be at least 1")
        if not 1 <= options["years"] <= 10:
            raise CommandError("--years must be between 1 and 10")
        slugs = [options["tenant_slug"]] if options["tenant_slug"] else list(DEFAULT_SLUGS)
        # The slug also names the demo logins' email domain, so it must be a plain lowercase word.
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", slugs[0]):
            raise CommandError("--tenant-slug must be lowercase letters, digits and hyphens, like 'demo'")
        for slug in slugs:
            preset = preset_for(slug)
            existing = Tenant.objects.filter(slug=slug).first()
            if existing is not None:
                if options["if_empty"]:
                    self.stdout.write(f"Tenant {slug!r} already exists; left as it is (--if-empty).")
                    continue
                if not options["replace"]:
                    raise CommandError(
                        f"Tenant {slug!r} already exists. Pass --replace to delete it and seed it again, "
                        "or --if-empty to leave it alone."
                    )
                self.stderr.write(f"Deleting tenant {slug!r} and its data...")
                tenant_delete(existing)
            # --customers sizes the tenant being asked for; the second default tenant keeps its size.
            sized = options["customers"] is not None and (options["tenant_slug"] or slug == DEFAULT_SLUGS[0])
            customers = options["customers"] if sized else preset.customers
            seed_options = SeedOptions(
                customers=customers,
                seed=options["seed"],
                today=options["today"],
                years=options["years"],
                batch_size=options["batch_size"],
            )
            started = time.monotonic()
            result = seed_tenant(preset, seed_options, self._progress_bar(slug))
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"Seeded {result.tenant.name} ({slug}): {result.customers:,} customers, "
                f"{result.orders:,} orders, {result.order_lines:,} order lines in {elapsed:.1f} s. "
                f"Log in as admin@{preset.email_domain} with password leora-demo."
            )
