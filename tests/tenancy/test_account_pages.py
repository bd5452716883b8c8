"""A person's own account at /account/: their name, their password, their API tokens."""

import json
import re
from typing import Any

import pytest
from django.test import Client

from leora.tenancy.models import ApiToken, AuditEvent, User
from leora.tenancy.services.tokens import api_token_create
from tests.conftest import World

pytestmark = pytest.mark.django_db

OLD_PASSWORD = "pw-for-tests-1"
NEW_PASSWORD = "copper-kettle-harbour-41"
HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response: Any) -> str:
    return str(response.content.decode())


def change(client: Client, current: str, new: str, again: str | None = None) -> Any:
    return client.post(
        "/account/password/",
        {
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def shown_token(response: Any) -> str:
    match = re.search(r'data-testid="new-token">([^<]+)<', page(response))
    assert match, "the new token is not on the page"
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- The page ----------------------------------------------------------------------------------------------


def test_the_page_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/account/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_posting_needs_a_session_too(world: World, client: Client) -> None:
    response = client.post("/account/tokens/", {"name": "sneaky"})

    assert response.status_code == 302
    assert not ApiToken.objects.filter(name="sneaky").exists()


def test_every_role_has_an_account_page_linked_from_the_top_bar(world: World) -> None:
    for user in (world.rep1, world.manager, world.admin):
        body = page(signed_in(user).get("/account/"))
        assert user.email in body
        assert 'href="/account/" aria-current="page"' in body
    assert 'href="/account/"' in page(signed_in(world.rep1).get("/tasks/"))


def test_saving_the_full_name_changes_it_and_is_audited(world: World) -> None:
    response = signed_in(world.rep1).post("/account/profile/", {"full_name": "  Rita Rep  "})

    assert response.status_code == 302 and response["Location"] == "/account/"
    world.rep1.refresh_from_db()
    assert world.rep1.full_name == "Rita Rep"
    event = AuditEvent.objects.for_tenant(world.acme).get(action="user.update")
    assert event.actor_id == world.rep1.pk
    assert event.after == {"full_name": "Rita Rep"}


# --- Changing the password ---------------------------------------------------------------------------------


def test_a_wrong_current_password_is_refused_next_to_the_field(world: World) -> None:
    response = change(signed_in(world.rep1), "not-my-password", NEW_PASSWORD)

    assert response.status_code == 422
    assert 'id="error-current_password"' in page(response)
    assert User.objects.get(pk=world.rep1.pk).check_password(OLD_PASSWORD)


def test_a_weak_new_password_is_refused_naming_the_rule(world: World) -> None:
    response = change(signed_in(world.rep1), OLD_PASSWORD, "short")

    body = page(response)
    assert response.status_code == 422
    assert 'id="error-new_password"' in body and "too short" in body
    assert User.objects.get(pk=world.rep1.pk).check_password(OLD_PASSWORD)


def test_a_common_new_password_is_refused(world: World) -> None:
    response = change(signed_in(world.rep1), OLD_PASSWORD, "password123")

    assert response.status_code == 422
    assert "too common" in page(response)


def test_two_different_new_passwords_are_refused(world: World) -> None:
    response = change(signed_in(world.rep1), OLD_PASSWORD, NEW_PASSWORD, again=NEW_PASSWORD + "x")

    assert response.status_code == 422
    assert 'id="error-new_password_again"' in page(response)
    assert User.objects.get(pk=world.rep1.pk).check_password(OLD_PASSWORD)


def test_a_change_keeps_this_session_and_the_old_password_stops_working(world: World) -> None:
    client = signed_in(world.rep1)

    response = change(client, OLD_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert not Client().login(email="rep1@acme.test", password=OLD_PASSWORD)
    assert Client().login(email="rep1@acme.test", password=NEW_PASSWORD)


def test_a_change_signs_out_the_other_sessions(world: World) -> None:
    laptop, phone = signed_in(world.rep1), signed_in(world.rep1)

    change(laptop, OLD_PASSWORD, NEW_PASSWORD)

    assert phone.get("/account/").status_code == 302


def test_the_change_is_audited_without_any_password(world: World) -> None:
    change(signed_in(world.rep1), OLD_PASSWORD, NEW_PASSWORD)

    [event] = AuditEvent.objects.for_tenant(world.acme).filter(action="user.password_change")
    assert event.actor_id == world.rep1.pk and event.object_id == str(world.rep1.pk)
    recorded = json.dumps([event.before, event.after])
    assert NEW_PASSWORD not in recorded and OLD_PASSWORD not in recorded
    assert User.objects.get(pk=world.rep1.pk).password not in recorded


# --- API tokens --------------------------------------------------------------------------------------------


def test_a_created_token_is_shown_once_uncached_and_authenticates(world: World) -> None:
    client = signed_in(world.rep1)

    response = client.post("/account/tokens/", {"name": "order sync"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = shown_token(response)
    me = Client().get("/api/me", headers=bearer(token))
    assert me.status_code == 200 and me.json()["email"] == "rep1@acme.test"
    assert token not in page(client.get("/account/"))


def test_an_htmx_create_answers_only_the_tokens_card_with_a_toast(world: World) -> None:
    response = signed_in(world.rep1).post("/account/tokens/", {"name": "sheet"}, headers=HTMX)

    body = page(response)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert 'id="tokens"' in body and "<html" not in body
    assert shown_token(response).startswith("leora_")
    assert "toast" in json.loads(response["HX-Trigger"])


def test_a_token_without_a_name_is_refused(world: World) -> None:
    response = signed_in(world.rep1).post("/account/tokens/", {"name": "  "})

    assert response.status_code == 422
    assert 'id="error-token_name"' in page(response)
    assert not ApiToken.objects.filter(user=world.rep1).exists()


def test_the_list_shows_only_my_tokens_with_prefix_and_status(world: World, unscoped: None) -> None:
    mine = api_token_create(tenant=world.acme, user=world.rep1, name="order sync").token
    theirs = api_token_create(tenant=world.acme, user=world.rep2, name="rep2 secret sync").token

    body = page(signed_in(world.rep1).get("/account/"))

    assert "order sync" in body and f"leora_{mine.prefix}…" in body
    assert "rep2 secret sync" not in body and theirs.prefix not in body
    assert "Never" in body and ">Active</span>" in body


def test_revoking_through_the_page_stops_the_token(world: World, unscoped: None) -> None:
    issued = api_token_create(tenant=world.acme, user=world.rep1, name="old sync")

    response = signed_in(world.rep1).post(f"/account/tokens/{issued.token.pk}/revoke/")

    assert response.status_code == 302 and response["Location"] == "/account/"
    assert Client().get("/api/me", headers=bearer(issued.plaintext)).status_code == 401
    body = page(signed_in(world.rep1).get("/account/"))
    assert ">Revoked</span>" in body


def test_the_revoke_button_asks_through_the_shared_confirm_modal(world: World, unscoped: None) -> None:
    token = api_token_create(tenant=world.acme, user=world.rep1, name="old sync").token

    body = page(signed_in(world.rep1).get("/account/"))

    assert f'hx-post="/account/tokens/{token.pk}/revoke/"' in body
    assert "hx-confirm=" in body and 'data-confirm-label="Revoke"' in body


def test_an_htmx_revoke_answers_the_tokens_card_and_a_toast(world: World, unscoped: None) -> None:
    token = api_token_create(tenant=world.acme, user=world.rep1, name="old sync").token

    response = signed_in(world.rep1).post(f"/account/tokens/{token.pk}/revoke/", headers=HTMX)

    assert response.status_code == 200
    assert ">Revoked</span>" in page(response) and "<html" not in page(response)
    assert "Revoked" in json.loads(response["HX-Trigger"])["toast"]["text"]


def test_revoking_another_users_token_answers_404_and_keeps_it(world: World, unscoped: None) -> None:
    issued = api_token_create(tenant=world.acme, user=world.rep2, name="rep2 sync")

    response = signed_in(world.rep1).post(f"/account/tokens/{issued.token.pk}/revoke/")

    assert response.status_code == 404
    assert Client().get("/api/me", headers=bearer(issued.plaintext)).status_code == 200


def test_even_an_admin_cannot_revoke_someone_elses_token_here(world: World, unscoped: None) -> None:
    token = api_token_create(tenant=world.acme, user=world.rep1, name="rep1 sync").token

    assert signed_in(world.admin).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert signed_in(world.other_admin).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404


def test_creating_and_revoking_are_audited(world: World, unscoped: None) -> None:
    client = signed_in(world.rep1)
    client.post("/account/tokens/", {"name": "audit me"})
    token = ApiToken.objects.get(user=world.rep1)
    client.post(f"/account/tokens/{token.pk}/revoke/")

    actions = set(AuditEvent.objects.for_tenant(world.acme).values_list("action", flat=True))
    assert {"api_token.create", "api_token.revoke"} <= actions
