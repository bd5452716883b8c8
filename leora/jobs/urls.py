from django.urls import path

from leora.jobs import views

urlpatterns = [
    path("", views.job_list_page, name="job_list"),
    path("counts/", views.job_counts_fragment, name="job_counts"),
    path("queue/", views.job_queue_fragment, name="job_queue"),
    path("<uuid:job_id>/", views.job_detail_page, name="job_detail"),
    path("<uuid:job_id>/cancel/", views.job_cancel_action, name="job_cancel"),
    path("<uuid:job_id>/retry/", views.job_retry_action, name="job_retry"),
]
