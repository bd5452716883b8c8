"""The app's URLs plus a page that fails, for the error page tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from leora.urls import urlpatterns as app_urlpatterns


def broken_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the ledger is locked")


urlpatterns = [path("broken/", broken_page, name="broken_page"), *app_urlpatterns]
