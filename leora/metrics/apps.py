from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "leora.metrics"
    label = "metrics"
