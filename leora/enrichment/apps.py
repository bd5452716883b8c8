from typing import Any

from django.apps import AppConfig


class EnrichmentConfig(AppConfig):
    name = "leora.enrichment"
    label = "enrichment"
    verbose_name = "Enrichment"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from leora.crm.models import Order
        from leora.crm.selectors.customer_detail import customer_panel_register

        # Importing the handlers registers this app's job types with the jobs registry.
        from leora.enrichment import account_types, handlers  # noqa: F401
        from leora.enrichment.selectors import customer_enrichment_panel

        post_save.connect(_order_saved, sender=Order, dispatch_uid="enrichment_after_order")
        customer_panel_register(
            template="enrichment/_customer_panel.html",
            build=customer_enrichment_panel,
            stylesheet="leora/enrichment.css",
        )


def _order_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from leora.enrichment.services import enrichment_after_order

        enrichment_after_order(order=instance)
