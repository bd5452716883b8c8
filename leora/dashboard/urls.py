"""Pages of the dashboard: the page at ``/``, the fragments its script loads (widget bodies, frames and
library previews) and the drilldown page behind each number."""

from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.dashboard import drilldown_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/widgets/<id:widget_id>/body/", views.widget_body, name="dashboard_widget_body"),
    path("dashboard/widgets/<id:widget_id>/card/", views.widget_card, name="dashboard_widget_card"),
    path(
        "dashboard/widgets/preview/<str:widget_type>/", views.widget_preview, name="dashboard_widget_preview"
    ),
    path("dashboard/drilldown/", drilldown_views.drilldown_index, name="drilldown_index"),
    path("dashboard/drilldown/<str:name>/", drilldown_views.drilldown_page, name="drilldown"),
]
