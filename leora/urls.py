from django.urls import include, path

from leora.api import api

urlpatterns = [
    path("api/", api.urls),
    path("metrics/", include("leora.metrics.urls")),
    path("jobs/", include("leora.jobs.urls")),
    path("team/", include("leora.team.urls")),
    path("account/", include("leora.tenancy.urls")),
    path("notifications/", include("leora.notifications.urls")),
    path("", include("leora.crm.urls")),
    path("", include("leora.dashboard.urls")),
    path("", include("leora.web.urls")),
]
