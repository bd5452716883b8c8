from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "leora.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Importing the handlers registers this app's job types with the jobs registry.
        from leora.webhooks import handlers  # noqa: F401
