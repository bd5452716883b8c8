from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.webhooks import views

urlpatterns = [
    path("", views.webhook_list_page, name="webhook_list"),
]
