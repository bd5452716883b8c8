from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "leora.extraction"
    label = "extraction"
    verbose_name = "Extraction"

    def ready(self) -> None:
        # Importing the handlers registers this app's job types with the jobs registry.
        from leora.extraction import handlers  # noqa: F401
