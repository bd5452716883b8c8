from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "leora.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        # Each widget type registers itself when its module is imported.
        from leora.dashboard import widgets  # noqa: F401
