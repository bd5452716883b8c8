from typing import Any

import pytest

from leora.tenancy.models import ApiToken, AuditEvent
from tests.conftest import World
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


def test_me_describes_the_token_owner_role_and_tenant(world: World, api_as: Any) -> None:
    body = api_as(world.manager).get("/api/me").json()
    assert body["email"] == "manager@acme.test"
    assert body["role"] == "manager"
    assert body["tenant"]["slug"] == "acme"
    assert set(body["team_user_ids"]) == {world.manager.pk, world.rep1.pk, world.rep2.pk}


def test_a_created_token_is_shown_once_and_works(world: World, api_as: Any, client: Any) -> None:
    response = api_as(world.rep1).post("/api/tokens", {"name": "phone"})
    assert response.status_code == 201
    token = response.json()["token"]
    listed = client.get("/api/tokens", headers={"Authorization": f"Bearer {token}"}).json()
    assert {t["name"] for t in listed} == {"phone", "default"}
    assert all("token" not in t for t in listed)


def test_a_user_lists_only_their_own_tokens(world: World, api_as: Any) -> None:
    api_as(world.rep2)
    names = {t["prefix"] for t in api_as(world.rep1).get("/api/tokens").json()}
    assert names == set(ApiToken.objects.filter(user=world.rep1).values_list("prefix", flat=True))


def test_revoking_a_token_stops_it_and_another_users_token_is_404(
    world: World, api_as: Any, client: Any
) -> None:
    rep1 = api_as(world.rep1)
    created = rep1.post("/api/tokens", {"name": "old laptop"}).json()
    assert api_as(world.rep2).delete(f"/api/tokens/{created['id']}").status_code == 404
    assert rep1.delete(f"/api/tokens/{created['id']}").status_code == 204
    response = client.get("/api/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert response.status_code == 401


def test_a_token_name_must_not_be_empty(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/tokens", {"name": ""})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_a_blank_token_name_is_refused_like_on_the_account_page(world: World, api_as: Any) -> None:
    api = api_as(world.rep1)

    response = api.post("/api/tokens", {"name": "   "})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["name"]
    assert ApiToken.objects.filter(user=world.rep1).count() == 1


def test_revoking_a_revoked_token_answers_204_and_writes_no_second_audit_event(
    world: World, api_as: Any
) -> None:
    rep1 = api_as(world.rep1)
    created = rep1.post("/api/tokens", {"name": "old laptop"}).json()
    rep1.delete(f"/api/tokens/{created['id']}")

    assert rep1.delete(f"/api/tokens/{created['id']}").status_code == 204
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="api_token.revoke").count() == 1


def test_admins_read_the_audit_trail_of_their_tenant_only(world: World, api_as: Any, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep1)
    api_as(world.rep1).patch(f"/api/customers/{customer.pk}", {"city": "Salem"})
    api_as(world.other_admin).post("/api/customers", {"name": "Elsewhere"})
    body = api_as(world.admin).get("/api/audit-events", object_type="customer").json()
    assert [(e["action"], e["actor_email"]) for e in body["items"]] == [("customer.update", "rep1@acme.test")]
    assert body["items"][0]["after"]["city"] == "Salem"
    assert AuditEvent.objects.for_tenant(world.other).filter(action="customer.create").count() == 1


def test_the_audit_trail_is_for_admins(world: World, api_as: Any) -> None:
    assert api_as(world.manager).get("/api/audit-events").status_code == 403
