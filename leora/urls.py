from django.urls import include, path

from leora.api import api

urlpatterns = [
    path("api/", api.urls),
    path("metrics/", include("leora.metrics.urls")),
    path("jobs/", include("leora.jobs.urls")),
    path("team/", include("leora.team.urls")),
    path("account/", include("leora.tenancy.urls")),
    path("notifications/", include("leora.notifications.urls")),
    path("scan/", include("leora.extraction.urls")),
    path("imports/", include("leora.imports.urls")),
    path("reports/", include("leora.reports.urls")),
    path("webhooks/", include("leora.webhooks.urls")),
    path("enrichment/", include("leora.enrichment.urls")),
    path("callplan/", include("leora.callplan.urls")),
    path("", include("leora.crm.urls")),
    path("", include("leora.dashboard.urls")),
    path("", include("leora.web.urls")),
]
