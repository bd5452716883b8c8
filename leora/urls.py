from django.urls import include, path

from leora.api import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("leora.web.urls")),
]
