from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    # `migrate` is the one command every install runs; creating the database cache table there means
    # no separate set-up step (createcachetable is idempotent and ignores non-database caches).
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class TenancyConfig(AppConfig):
    name = "leora.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="leora.create_cache_table")
