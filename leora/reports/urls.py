from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.reports import views

urlpatterns = [
    path("", views.report_list_page, name="report_list"),
    path("new/", views.report_create, name="report_create"),
    path("<id:report_id>/download/", views.report_download, name="report_download"),
]
