from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "leora.web"
    label = "web"
