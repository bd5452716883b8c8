"""Pages: session login and logout, the health check. The home page is leora.dashboard's."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from leora.tenancy.services.login import login_failure_record, login_retry_after, login_success_record


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    context: dict[str, object] = {"next": next_url, "email": ""}
    if request.method == "POST":
        email = request.POST.get("email", "").strip().lower()
        password = request.POST.get("password", "")
        ip = client_ip(request)
        context["email"] = email
        retry_after = login_retry_after(email=email, ip_address=ip)
        if retry_after is not None:
            minutes = max(1, round(retry_after / 60))
            unit = "minute" if minutes == 1 else "minutes"
            context["error"] = f"Too many failed sign-ins. Try again in about {minutes} {unit}."
            context["locked"] = True
            response = render(request, "registration/login.html", context, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        field_errors = {
            name: message
            for name, value, message in (
                ("email", email, "Enter the email address you sign in with."),
                ("password", password, "Enter your password."),
            )
            if not value
        }
        if field_errors:
            # Nothing was tried, so nothing counts toward the lockout.
            context["field_errors"] = field_errors
            return render(request, "registration/login.html", context, status=400)
        user = authenticate(request, username=email, password=password)
        if user is None or not user.memberships.exists():
            login_failure_record(email=email, ip_address=ip)
            context["error"] = "That email and password do not match an account."
            return render(request, "registration/login.html", context, status=400)
        login_success_record(email=email)
        login(request, user)
        return redirect(next_url)
    return render(request, "registration/login.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
