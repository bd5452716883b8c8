from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "leora.jobs"
    label = "jobs"
