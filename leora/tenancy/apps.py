from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "leora.tenancy"
    label = "tenancy"
