from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.callplan import views

urlpatterns = [
    path("", views.callplan_home, name="callplan"),
    path("weeks/<str:week>/", views.callplan_week, name="callplan_week"),
]
