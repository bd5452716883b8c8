from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.reports import views

urlpatterns = [
    path("", views.report_list_page, name="report_list"),
]
