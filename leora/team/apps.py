from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "leora.team"
    label = "team"
