from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "leora.notifications"
    label = "notifications"
