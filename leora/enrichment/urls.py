from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.enrichment import views

urlpatterns = [
    path("", views.enrichment_overview_page, name="enrichment_overview"),
    path("run/<slug:job_type>/", views.enrichment_run_action, name="enrichment_run"),
]
