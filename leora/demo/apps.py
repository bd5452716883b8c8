from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "leora.demo"
    label = "demo"
