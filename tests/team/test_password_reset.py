"""An admin gives someone a new password: `POST /api/users/{id}/reset-password` and the Team page."""

import json
from typing import Any

import pytest
from django.test import Client

from leora.tenancy.models import AuditEvent, User
from tests.conftest import World
from tests.factories import make_tenant, make_user

pytestmark = pytest.mark.django_db

OLD_PASSWORD = "pw-for-tests-1"
STRONG = "copper-kettle-harbour-41"
HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client: Client) -> bool:
    return bool(client.get("/account/").status_code == 200)


def reset_events(world: World) -> Any:
    return AuditEvent.objects.for_tenant(world.acme).filter(action="user.password_reset")


def reset_url(user: Any) -> str:
    return f"/api/users/{user.pk}/reset-password"


# --- The API ---------------------------------------------------------------------------------------------


def test_without_a_body_a_generated_password_is_returned_once_and_works(world: World, api_as: Any) -> None:
    api = api_as(world.admin)

    # like `curl -X POST` with no body at all
    response = api.client.generic("POST", reset_url(world.rep1), headers=api.headers)

    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["id"] == world.rep1.pk and body["email"] == "rep1@acme.test"
    password = body["initial_password"]
    assert len(password) >= 20
    assert Client().login(email="rep1@acme.test", password=password)
    assert not Client().login(email="rep1@acme.test", password=OLD_PASSWORD)


def test_the_admin_may_choose_the_password(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(reset_url(world.rep1), {"password": STRONG})

    assert response.status_code == 200, response.content
    assert response.json()["initial_password"] is None
    assert Client().login(email="rep1@acme.test", password=STRONG)


def test_a_weak_password_is_a_422_on_password_and_changes_nothing(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(reset_url(world.rep1), {"password": "short"})

    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"password"}
    assert "too short" in response.json()["detail"]
    assert Client().login(email="rep1@acme.test", password=OLD_PASSWORD)
    assert not reset_events(world).exists()


def test_a_common_password_is_refused_too(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(reset_url(world.rep1), {"password": "password123"})

    assert response.status_code == 422
    assert "too common" in response.json()["errors"][0]["message"]


def test_a_manager_is_refused_for_their_own_rep(world: World, api_as: Any) -> None:
    response = api_as(world.manager).post(reset_url(world.rep1), {})

    assert response.status_code == 403
    assert Client().login(email="rep1@acme.test", password=OLD_PASSWORD)


def test_a_rep_is_refused_for_themselves(world: World, api_as: Any) -> None:
    assert api_as(world.rep1).post(reset_url(world.rep1), {}).status_code == 403


def test_a_rep_cannot_see_another_rep_so_gets_a_404(world: World, api_as: Any) -> None:
    assert api_as(world.rep1).post(reset_url(world.rep2), {}).status_code == 404


def test_another_tenants_user_answers_404(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(reset_url(world.other_rep), {})

    assert response.status_code == 404
    assert Client().login(email="rep@other.test", password=OLD_PASSWORD)


def test_someone_who_also_belongs_to_another_tenant_is_a_409(
    world: World, api_as: Any, unscoped: None
) -> None:
    third = make_tenant("third")
    shared = make_user(world.acme, "shared@acme.test")
    shared.memberships.create(tenant=third, role="sales_rep")

    response = api_as(world.admin).post(reset_url(shared), {})

    assert response.status_code == 409
    assert Client().login(email="shared@acme.test", password=OLD_PASSWORD)


def test_an_admin_resetting_their_own_password_is_refused_as_on_the_page(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(reset_url(world.admin), {"password": STRONG})

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "account page" in detail and "current one" in detail
    assert Client().login(email="admin@acme.test", password=OLD_PASSWORD)
    assert not reset_events(world).exists()


def test_the_persons_signed_in_sessions_end(world: World, api_as: Any) -> None:
    # given rep1 signed in on a phone
    phone = signed_in(world.rep1)
    assert is_signed_in(phone)

    # when an admin resets the password
    assert api_as(world.admin).post(reset_url(world.rep1), {}).status_code == 200

    # then the phone's next page asks for a sign-in
    response = phone.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_their_api_tokens_keep_working(world: World, api_as: Any) -> None:
    rep_api = api_as(world.rep1)

    api_as(world.admin).post(reset_url(world.rep1), {})

    assert rep_api.get("/api/me").status_code == 200


def test_the_audit_event_names_who_and_whom_but_holds_no_password(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(reset_url(world.rep1), {})
    password = response.json()["initial_password"]

    [event] = reset_events(world)
    assert event.actor_id == world.admin.pk
    assert (event.object_type, event.object_id) == ("user", str(world.rep1.pk))
    recorded = json.dumps([event.before, event.after])
    assert password not in recorded
    world.rep1.refresh_from_db()
    assert world.rep1.password not in recorded


# --- The Team page ---------------------------------------------------------------------------------------


def test_an_admin_sees_a_reset_action_on_someone_elses_page(world: World) -> None:
    body = signed_in(world.admin).get(f"/team/{world.rep1.pk}/").content.decode()

    assert f'action="/team/{world.rep1.pk}/reset-password/"' in body
    assert "hx-confirm=" in body


def test_a_manager_and_the_admin_on_their_own_page_see_no_reset_action(world: World) -> None:
    manager_view = signed_in(world.manager).get(f"/team/{world.rep1.pk}/").content.decode()
    own_page = signed_in(world.admin).get(f"/team/{world.admin.pk}/").content.decode()

    assert "reset-password" not in manager_view
    assert "reset-password" not in own_page
    assert 'href="/account/#password"' in own_page


def test_the_page_sends_an_admin_resetting_their_own_password_to_their_account_page(world: World) -> None:
    response = signed_in(world.admin).post(f"/team/{world.admin.pk}/reset-password/", {"password": STRONG})

    assert response.status_code == 302 and response["Location"] == "/account/#password"
    assert Client().login(email="admin@acme.test", password=OLD_PASSWORD)
    assert not reset_events(world).exists()


def test_the_page_shows_the_generated_password_once_and_it_works(world: World) -> None:
    response = signed_in(world.admin).post(f"/team/{world.rep1.pk}/reset-password/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    start = body.index('data-testid="new-password">') + len('data-testid="new-password">')
    password = body[start : body.index("<", start)]
    assert Client().login(email="rep1@acme.test", password=password)
    assert password not in signed_in(world.admin).get(f"/team/{world.rep1.pk}/").content.decode()


def test_an_htmx_reset_answers_only_the_password_card(world: World) -> None:
    response = signed_in(world.admin).post(f"/team/{world.rep1.pk}/reset-password/", headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert 'id="password-card"' in body and 'data-testid="new-password"' in body
    assert "<html" not in body


def test_a_chosen_weak_password_is_refused_inline_on_the_page(world: World) -> None:
    response = signed_in(world.admin).post(f"/team/{world.rep1.pk}/reset-password/", {"password": "short"})

    assert response.status_code == 422
    assert 'id="error-reset-password"' in response.content.decode()
    assert "too short" in response.content.decode()
    assert Client().login(email="rep1@acme.test", password=OLD_PASSWORD)


def test_a_manager_cannot_reset_through_the_page(world: World) -> None:
    response = signed_in(world.manager).post(f"/team/{world.rep1.pk}/reset-password/")

    assert response.status_code == 403
    assert Client().login(email="rep1@acme.test", password=OLD_PASSWORD)


def test_the_page_answers_404_for_another_tenants_user(world: World) -> None:
    assert signed_in(world.admin).post(f"/team/{world.other_rep.pk}/reset-password/").status_code == 404


def test_resetting_through_the_page_signs_the_person_out(world: World) -> None:
    phone = signed_in(world.rep1)

    signed_in(world.admin).post(f"/team/{world.rep1.pk}/reset-password/", {"password": STRONG})

    assert not is_signed_in(phone)
    assert User.objects.get(pk=world.rep1.pk).check_password(STRONG)


def test_the_login_page_sends_people_to_their_admin_who_can_now_reset_it(client: Client) -> None:
    assert "Ask your Leora admin to reset your password" in client.get("/login/").content.decode()
