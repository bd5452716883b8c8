from typing import Any

from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "leora.metrics"
    label = "metrics"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from leora.crm.models import Activity, Customer, Invoice, Order, OrderLine
        from leora.crm.signals import book_changed
        from leora.tenancy.models import Tenant

        post_save.connect(_install_defaults, sender=Tenant, dispatch_uid="metrics_install_defaults")
        # Cached metric counts depend on these tables; any write to them invalidates the tenant's counts.
        for model in (Order, OrderLine, Invoice, Activity, Customer):
            for event, signal in (("save", post_save), ("delete", post_delete)):
                uid = f"metrics_data_{model.__name__}_{event}"
                signal.connect(_data_changed, sender=model, dispatch_uid=uid)
        book_changed.connect(_book_changed, dispatch_uid="metrics_book_changed")

        from leora.crm.selectors.customer_detail import customer_panel_register
        from leora.metrics.health import customer_health
        from leora.metrics.rhythm import customer_rhythm

        # The customer page shows the rhythm line and the health panel without crm importing metrics.
        customer_panel_register(
            template="metrics/_customer_rhythm.html", build=customer_rhythm, stylesheet="leora/rhythm.css"
        )
        customer_panel_register(
            template="metrics/_customer_health.html", build=customer_health, stylesheet="leora/health.css"
        )


def _install_defaults(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from leora.metrics.services import install_default_metrics

        install_default_metrics(instance)


def _data_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from leora.metrics import cache

    if kwargs.get("raw"):
        return
    cache.bump("data", instance.tenant_id)


def _book_changed(sender: Any, tenant_id: int, **kwargs: Any) -> None:
    from leora.metrics import cache

    cache.bump("data", tenant_id)
