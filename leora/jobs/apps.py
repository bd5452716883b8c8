from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "leora.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        # Importing the handlers registers every job type.
        from leora.jobs import handlers  # noqa: F401
