from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.webhooks import views

urlpatterns = [
    path("", views.webhook_list_page, name="webhook_list"),
    path("new/", views.webhook_new, name="webhook_new"),
    path("<id:webhook_id>/", views.webhook_detail, name="webhook_detail"),
    path("<id:webhook_id>/edit/", views.webhook_edit, name="webhook_edit"),
    path("<id:webhook_id>/secret/", views.webhook_secret_rotate_page, name="webhook_secret_rotate"),
    path("<id:webhook_id>/test/", views.webhook_test_send_page, name="webhook_test_send"),
    path("<id:webhook_id>/active/", views.webhook_active_set, name="webhook_active_set"),
    path("<id:webhook_id>/delete/", views.webhook_delete_page, name="webhook_delete"),
]
