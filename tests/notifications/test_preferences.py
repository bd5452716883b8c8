"""Digest preferences: GET|PATCH /api/me/notification-preferences and the form on the account page."""

from __future__ import annotations

from typing import Any

import pytest

from leora.notifications.models import NotificationPreference
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.notifications.helpers import signed_in

pytestmark = pytest.mark.django_db

URL = "/api/me/notification-preferences"


def saved(user: Any) -> list[tuple[bool, int]]:
    with scopes_disabled():
        return list(
            NotificationPreference.objects.filter(user=user).values_list("digest_enabled", "digest_hour")
        )


def test_the_defaults_are_on_at_seven_in_the_tenants_timezone(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get(URL)

    assert response.status_code == 200
    assert response.json() == {"digest_enabled": True, "digest_hour": 7, "timezone": "America/Los_Angeles"}


def test_patch_changes_only_what_it_names(world: World, api_as: Any) -> None:
    api = api_as(world.rep1)

    assert api.patch(URL, {"digest_hour": 9}).json()["digest_hour"] == 9
    response = api.patch(URL, {"digest_enabled": False})

    assert response.json() == {"digest_enabled": False, "digest_hour": 9, "timezone": "America/Los_Angeles"}
    assert api.get(URL).json()["digest_hour"] == 9
    assert saved(world.rep1) == [(False, 9)]


def test_an_hour_out_of_the_day_is_a_422_naming_digest_hour(world: World, api_as: Any) -> None:
    for hour in (24, -1):
        response = api_as(world.rep1).patch(URL, {"digest_hour": hour})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["digest_hour"]
    assert saved(world.rep1) == []


def test_null_is_refused_rather_than_taken_for_a_default(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).patch(URL, {"digest_enabled": None})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "digest_enabled"


def test_each_person_has_their_own_preferences_in_their_own_tenant(world: World, api_as: Any) -> None:
    api_as(world.rep1).patch(URL, {"digest_hour": 5})

    assert api_as(world.rep2).get(URL).json()["digest_hour"] == 7
    assert api_as(world.other_rep).get(URL).json() == {
        "digest_enabled": True,
        "digest_hour": 7,
        "timezone": "UTC",
    }
    with scopes_disabled():
        assert list(NotificationPreference.objects.values_list("tenant_id", flat=True)) == [world.acme.pk]


def test_the_api_needs_a_token(client: Any) -> None:
    assert client.get(URL).status_code == 401


def test_the_account_page_loads_the_preferences_form_from_notifications(world: World) -> None:
    html = signed_in(world.rep1).get("/account/").content.decode()

    assert 'hx-get="/notifications/preferences/"' in html
    assert 'id="notification-preferences"' in html


def test_the_preferences_fragment_shows_the_saved_choice(world: World, api_as: Any) -> None:
    api_as(world.rep1).patch(URL, {"digest_hour": 6})

    response = signed_in(world.rep1).get("/notifications/preferences/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert '<option value="6" selected>06:00</option>' in html
    assert "America/Los_Angeles" in html


def test_saving_the_form_through_htmx_answers_with_a_toast(world: World) -> None:
    response = signed_in(world.rep1).post(
        "/notifications/preferences/", {"digest_hour": "8"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "Saved: no digest email from now on." in response.headers["HX-Trigger"]
    assert saved(world.rep1) == [(False, 8)]


def test_saving_without_javascript_goes_back_to_the_account_page(world: World) -> None:
    response = signed_in(world.rep1).post(
        "/notifications/preferences/", {"digest_enabled": "on", "digest_hour": "9"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert saved(world.rep1) == [(True, 9)]


def test_a_bad_hour_in_the_form_is_a_422_with_the_error_inline(world: World) -> None:
    response = signed_in(world.rep1).post(
        "/notifications/preferences/",
        {"digest_enabled": "on", "digest_hour": "25"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    assert "Choose an hour from 00:00 to 23:00." in response.content.decode()
    assert saved(world.rep1) == []


def test_the_preferences_page_needs_a_sign_in(client: Any) -> None:
    response = client.get("/notifications/preferences/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_without_javascript_the_preferences_are_a_page_of_their_own(world: World) -> None:
    response = signed_in(world.rep1).get("/notifications/preferences/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Daily digest</h1>" in html
    assert 'name="digest_hour"' in html
