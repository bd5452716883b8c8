"""``leora worker``: run background jobs until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leora.jobs.registry import type_names
from leora.jobs.supervisor import Supervisor
from leora.jobs.worker import Worker


class Command(BaseCommand):
    help = "Run background jobs: N threads claim and run jobs, renew leases and recover dead workers' jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=1, help="jobs run at once (threads)")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="run this many worker processes, each with --concurrency threads",
        )
        parser.add_argument("--types", nargs="+", default=None, help="only run these job types")
        parser.add_argument("--max-jobs", type=int, default=None, help="exit after running this many jobs")
        parser.add_argument("--burst", action="store_true", help="exit once no job is ready")
        parser.add_argument("--batch-size", type=int, default=10, help="jobs claimed per thread at a time")
        parser.add_argument(
            "--lease-seconds", type=float, default=None, help="lease length (JOB_LEASE_SECONDS)"
        )
        parser.add_argument("--poll-interval", type=float, default=None, help="seconds between empty polls")
        parser.add_argument("--no-schedule", action="store_true", help="do not enqueue the periodic schedule")
        parser.add_argument("--worker-id", default=None, help="name this worker (default: host:pid:random)")

    def handle(self, *args: Any, **options: Any) -> None:
        types = options["types"] or []
        unknown = sorted(set(types) - set(type_names()))
        if unknown:
            raise CommandError(f"unknown job type(s): {', '.join(unknown)}; known: {', '.join(type_names())}")
        if options["concurrency"] < 1 or options["processes"] < 1:
            raise CommandError("--concurrency and --processes must be at least 1")
        if options["processes"] > 1:
            raise SystemExit(Supervisor(options["processes"], self._child_args(options)).run())
        worker = Worker(
            concurrency=options["concurrency"],
            types=types,
            max_jobs=options["max_jobs"],
            burst=options["burst"],
            batch_size=options["batch_size"],
            lease_seconds=options["lease_seconds"],
            poll_interval=options["poll_interval"],
            schedule=not options["no_schedule"],
            worker_id=options["worker_id"],
        )
        stats = worker.run()
        if options["verbosity"] >= 1:
            self.stdout.write(f"worker {worker.worker_id} stopped: {stats.summary()}")

    @staticmethod
    def _child_args(options: dict[str, Any]) -> list[str]:
        args = ["--concurrency", str(options["concurrency"]), "--batch-size", str(options["batch_size"])]
        for name in ("max_jobs", "lease_seconds", "poll_interval"):
            if options[name] is not None:
                args += [f"--{name.replace('_', '-')}", str(options[name])]
        if options["types"]:
            args += ["--types", *options["types"]]
        if options["burst"]:
            args.append("--burst")
        if options["no_schedule"]:
            args.append("--no-schedule")
        return args
