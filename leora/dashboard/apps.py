from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "leora.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from leora.crm.models import CalendarEvent, Product, SalesQuota, Task

        # Each widget type registers itself when its module is imported.
        from leora.dashboard import widgets  # noqa: F401
        from leora.dashboard.data import dashboard_changed

        # Cached widget data shows these besides the metric inputs; their writes make it stale.
        for model in (Task, CalendarEvent, SalesQuota, Product):
            for event, signal in (("save", post_save), ("delete", post_delete)):
                uid = f"dashboard_{model.__name__}_{event}"
                signal.connect(dashboard_changed, sender=model, dispatch_uid=uid)
