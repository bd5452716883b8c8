from django.apps import AppConfig


class EnrichmentConfig(AppConfig):
    name = "leora.enrichment"
    label = "enrichment"
    verbose_name = "Enrichment"

    def ready(self) -> None:
        # Importing the handlers registers this app's job types with the jobs registry.
        from leora.enrichment import account_types, handlers  # noqa: F401
