from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.imports import views

urlpatterns = [
    path("", views.import_list_page, name="import_list"),
]
