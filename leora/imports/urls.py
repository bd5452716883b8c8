from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.imports import views

urlpatterns = [
    path("", views.import_list_page, name="import_list"),
    path("upload/", views.import_upload_page, name="import_upload"),
    path("<id:import_id>/", views.import_detail_page, name="import_detail"),
    path("<id:import_id>/start/", views.import_start_page, name="import_start"),
    path("<id:import_id>/errors.csv", views.import_errors_page, name="import_errors"),
]
