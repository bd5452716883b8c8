from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "leora.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Importing the digest registers the notification_digest job type.
        from leora.notifications import digest  # noqa: F401
