from typing import Any

import pytest
from django.test import Client

from tests.conftest import World

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str, ip: str = "10.1.1.1") -> Any:
    return client.post("/login/", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_signing_in_with_the_right_password_redirects_to_the_dashboard(world: World, client: Client) -> None:
    response = login(client, "rep1@acme.test", "pw-for-tests-1")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    world: World, client: Client
) -> None:
    response = login(client, "rep1@acme.test", "nope")
    assert response.status_code == 400
    assert b"do not match" in response.content


def test_five_failures_for_one_email_lock_it_with_429_and_retry_after(world: World, client: Client) -> None:
    for attempt in range(5):
        login(client, "rep1@acme.test", "wrong", ip=f"10.0.0.{attempt}")
    response = login(client, "rep1@acme.test", "pw-for-tests-1", ip="10.9.9.9")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 60 * 14
    assert b"Try again in about 15 minute" in response.content


def test_five_failures_from_one_address_lock_that_address(world: World, client: Client) -> None:
    for attempt in range(5):
        login(client, f"nobody{attempt}@acme.test", "wrong", ip="10.2.2.2")
    assert login(client, "rep1@acme.test", "pw-for-tests-1", ip="10.2.2.2").status_code == 429
    assert login(client, "rep1@acme.test", "pw-for-tests-1", ip="10.3.3.3").status_code == 302


def test_pages_need_a_session(world: World, client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_enforces_csrf(world: World) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"email": "rep1@acme.test", "password": "pw-for-tests-1"})
    assert response.status_code == 403


def test_logout_needs_post_and_ends_the_session(world: World, client: Client) -> None:
    login(client, "rep1@acme.test", "pw-for-tests-1")
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_empty_fields_get_inline_errors_and_do_not_count_toward_the_lockout(
    world: World, client: Client
) -> None:
    from leora.tenancy.models import LoginAttempt

    response = login(client, "", "")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="login-email-error"' in html and "Enter the email address you sign in with." in html
    assert 'id="login-password-error"' in html and 'aria-invalid="true"' in html
    assert not LoginAttempt.objects.exists()


def test_the_lockout_page_says_signing_in_is_paused_and_for_how_long(world: World, client: Client) -> None:
    for attempt in range(5):
        login(client, "rep1@acme.test", "wrong", ip=f"10.0.1.{attempt}")
    html = login(client, "rep1@acme.test", "wrong", ip="10.9.9.8").content.decode()
    assert "Signing in is paused" in html and "15 minutes." in html
