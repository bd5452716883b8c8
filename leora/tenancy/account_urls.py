"""A person's own account pages, mounted at /account/."""

from django.urls import path

from leora.tenancy import account_views

urlpatterns = [
    path("", account_views.account_index, name="account"),
    path("profile/", account_views.account_profile, name="account-profile"),
    path("password/", account_views.account_password, name="account-password"),
    path("tokens/", account_views.account_token_create, name="account-token-create"),
    path("tokens/<int:token_id>/revoke/", account_views.account_token_revoke, name="account-token-revoke"),
]
