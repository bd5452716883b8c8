from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.extraction import views

urlpatterns = [
    path("", views.extraction_list_page, name="extraction_list"),
]
