from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "leora.crm"
    label = "crm"
