from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.notifications import views

urlpatterns = [
    path("", views.notification_list_page, name="notification_list"),
    path("bell/", views.notification_bell_fragment, name="notification_bell"),
    path("read-all/", views.notification_read_all_action, name="notification_read_all"),
    path("<id:notification_id>/open/", views.notification_open_action, name="notification_open"),
    path("digests/<id:digest_id>/", views.digest_detail_page, name="digest_detail"),
    path("preferences/", views.notification_preferences_page, name="notification_preferences"),
]
