from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.enrichment import views

urlpatterns = [
    path("", views.enrichment_overview_page, name="enrichment_overview"),
]
