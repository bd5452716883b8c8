from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "leora.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Importing the handlers registers this app's job types with the jobs registry.
        from leora.events import business_event
        from leora.webhooks import handlers  # noqa: F401
        from leora.webhooks.services import on_business_event

        business_event.connect(on_business_event, dispatch_uid="webhooks.deliveries_for_event")
