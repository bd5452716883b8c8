from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "leora.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        # Importing the handlers registers this app's job types with the jobs registry.
        from leora.imports import handlers  # noqa: F401
