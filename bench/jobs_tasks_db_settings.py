"""Settings for the django-tasks-db side of the job queue benchmark: Leora's settings, its backend."""

from leora.settings import *  # noqa: F403
from leora.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
