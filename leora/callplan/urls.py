from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.callplan import views

urlpatterns = [
    path("", views.callplan_home, name="callplan"),
    path("today/", views.callplan_today, name="callplan_today"),
    path("weeks/<str:week>/", views.callplan_week, name="callplan_week"),
    path("weeks/<str:week>/generate/", views.callplan_generate_page, name="callplan_generate"),
    path("weeks/<str:week>/days/<str:day>/route/", views.callplan_day_route, name="callplan_day_route"),
    path("items/<id:item_id>/", views.callplan_item_change, name="callplan_item_change"),
]
