from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "leora.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Importing the handlers registers this app's job types with the jobs registry.
        from leora.reports import handlers  # noqa: F401
