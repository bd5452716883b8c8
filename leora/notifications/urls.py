from django.urls import path

from leora.notifications import views

urlpatterns = [
    path("", views.notification_list_page, name="notification_list"),
    path("bell/", views.notification_bell_fragment, name="notification_bell"),
    path("read-all/", views.notification_read_all_action, name="notification_read_all"),
    path("<int:notification_id>/open/", views.notification_open_action, name="notification_open"),
]
