from django.apps import AppConfig


class CallplanConfig(AppConfig):
    name = "leora.callplan"
    label = "callplan"
    verbose_name = "Call plan"

    def ready(self) -> None:
        # Importing the handlers registers callplan_generate with the jobs registry.
        from leora.callplan import handlers  # noqa: F401
