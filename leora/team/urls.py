"""The team pages, mounted at /team/."""

from django.urls import path

from leora import converters  # noqa: F401  (the <id:...> converter)
from leora.team import views

urlpatterns = [
    path("", views.team_index, name="team"),
    path("add/", views.team_add, name="team_add"),
    path("performance/", views.team_performance_page, name="team_performance"),
    path("<id:user_id>/", views.team_member, name="team_member"),
    path("<id:user_id>/edit/", views.team_member_edit, name="team_member_edit"),
    path("<id:user_id>/reassign/", views.team_member_reassign, name="team_member_reassign"),
    path("<id:user_id>/reset-password/", views.team_member_reset_password, name="team_member_reset_password"),
]
