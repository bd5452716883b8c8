from typing import Any

import pytest
from django.test import Client

from leora.crm.models import Customer
from leora.tenancy.models import ApiToken, AuditEvent, Membership, Role, User
from leora.tenancy.services.tokens import api_token_create
from tests.conftest import World
from tests.factories import make_customer, make_user

pytestmark = pytest.mark.django_db


def emails(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["email"] for item in response.json()["items"]}


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def user_audits(world: World) -> Any:
    return AuditEvent.objects.for_tenant(world.acme).filter(object_type="user")


# --- Listing -------------------------------------------------------------------------------------------


def test_an_admin_lists_everyone_in_the_tenant_and_nobody_else(world: World, api_as: Any) -> None:
    assert emails(api_as(world.admin).get("/api/users")) == {
        "admin@acme.test", "manager@acme.test", "rep1@acme.test", "rep2@acme.test", "rep3@acme.test",
    }  # fmt: skip


def test_a_manager_lists_themselves_and_their_reps(world: World, api_as: Any) -> None:
    assert emails(api_as(world.manager).get("/api/users")) == {
        "manager@acme.test", "rep1@acme.test", "rep2@acme.test",
    }  # fmt: skip


def test_a_rep_lists_only_themselves(world: World, api_as: Any) -> None:
    assert emails(api_as(world.rep1).get("/api/users")) == {"rep1@acme.test"}


def test_a_row_carries_role_manager_and_customer_count(world: World, api_as: Any, unscoped: None) -> None:
    make_customer(world.acme, world.rep1)
    make_customer(world.acme, world.rep1)
    make_customer(world.other, world.other_rep)
    body = api_as(world.admin).get("/api/users", search="rep1").json()
    [row] = body["items"]
    assert row["id"] == world.rep1.pk
    assert row["role"] == "sales_rep"
    assert row["manager"] == {"id": world.manager.pk, "email": "manager@acme.test", "name": "Manager"}
    assert row["customer_count"] == 2
    assert row["is_active"] is True and row["last_login"] is None and row["date_joined"]


def test_filters_by_role_manager_and_active(world: World, api_as: Any, unscoped: None) -> None:
    admin = api_as(world.admin)
    world.rep3.is_active = False
    world.rep3.save()
    assert emails(admin.get("/api/users", role="manager")) == {"manager@acme.test"}
    assert emails(admin.get("/api/users", manager_id=world.manager.pk)) == {
        "rep1@acme.test",
        "rep2@acme.test",
    }
    assert emails(admin.get("/api/users", is_active=False)) == {"rep3@acme.test"}


def test_search_matches_email_and_name(world: World, api_as: Any, unscoped: None) -> None:
    world.rep2.full_name = "Rosa Delgado"
    world.rep2.save()
    assert emails(api_as(world.admin).get("/api/users", search="delgado")) == {"rep2@acme.test"}


def test_ordering_by_customer_count(world: World, api_as: Any, unscoped: None) -> None:
    for _ in range(3):
        make_customer(world.acme, world.rep2)
    make_customer(world.acme, world.rep1)
    body = api_as(world.admin).get("/api/users", ordering="-customer_count").json()
    assert [row["email"] for row in body["items"][:2]] == ["rep2@acme.test", "rep1@acme.test"]


def test_unknown_ordering_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/users", ordering="password")
    assert response.status_code == 422 and fields(response) == ["ordering"]


def test_the_list_runs_five_queries_however_many_people_and_customers(
    world: World, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(20):
        rep = make_user(world.acme, f"extra{n}@acme.test", Role.SALES_REP, manager=world.manager)
        make_customer(world.acme, rep)
    client = api_as(world.admin)
    # token lookup, its first use, membership, count, the page (people, managers and book sizes in one).
    with django_assert_num_queries(5):
        assert client.get("/api/users", page_size=50).status_code == 200


def test_another_tenants_user_answers_404(world: World, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert admin.get(f"/api/users/{world.other_rep.pk}").status_code == 404
    assert admin.patch(f"/api/users/{world.other_rep.pk}", {"full_name": "X"}).status_code == 404
    response = admin.post(
        f"/api/users/{world.other_rep.pk}/reassign-customers", {"to_user_id": world.rep1.pk}
    )
    assert response.status_code == 404
    assert not user_audits(world).exists()


def test_a_rep_cannot_see_another_rep(world: World, api_as: Any) -> None:
    assert api_as(world.rep1).get(f"/api/users/{world.rep2.pk}").status_code == 404
    assert api_as(world.rep1).get(f"/api/users/{world.rep1.pk}").status_code == 200


def test_a_manager_cannot_see_a_rep_outside_their_team(world: World, api_as: Any) -> None:
    assert api_as(world.manager).get(f"/api/users/{world.rep3.pk}").status_code == 404


# --- Creating ------------------------------------------------------------------------------------------


def test_an_admin_adds_a_rep_with_a_generated_password(world: World, api_as: Any, client: Client) -> None:
    response = api_as(world.admin).post(
        "/api/users",
        {
            "email": "New.Rep@Acme.test",
            "full_name": "New Rep",
            "role": "sales_rep",
            "manager_id": world.manager.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["email"] == "new.rep@acme.test"
    assert body["manager"]["id"] == world.manager.pk and body["customer_count"] == 0
    password = body["initial_password"]
    assert len(password) >= 20
    user = User.objects.get(email="new.rep@acme.test")
    assert user.check_password(password)
    assert Membership.objects.get(user=user).tenant == world.acme
    audit = user_audits(world).get(action="user.create")
    assert audit.actor == world.admin and audit.object_id == str(user.pk)
    assert password not in str(audit.after)
    assert client.login(username="new.rep@acme.test", password=password)


def test_a_chosen_password_is_kept_and_not_returned(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/users", {"email": "m2@acme.test", "role": "manager", "password": "corkscrew-harbor-17"}
    )
    assert response.status_code == 201
    assert response.json()["initial_password"] is None
    assert User.objects.get(email="m2@acme.test").check_password("corkscrew-harbor-17")


def test_a_weak_password_is_422_naming_password_and_writes_nothing(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/users", {"email": "weak@acme.test", "role": "sales_rep", "password": "password"}
    )
    assert response.status_code == 422
    assert set(fields(response)) == {"password"}
    assert not User.objects.filter(email="weak@acme.test").exists()
    assert not user_audits(world).exists()


def test_an_email_of_another_tenants_user_is_409_revealing_nothing_more(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/users", {"email": "rep@other.test", "role": "sales_rep"})
    assert response.status_code == 409
    assert fields(response) == ["email"]
    assert "other" not in response.json()["detail"].replace("rep@other.test", "")
    assert Membership.objects.filter(user=world.other_rep).count() == 1


def test_an_email_already_in_the_team_is_409(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/users", {"email": "REP1@acme.test", "role": "sales_rep"})
    assert response.status_code == 409 and fields(response) == ["email"]


def test_a_manager_that_is_a_rep_is_422_naming_manager_id(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/users", {"email": "x@acme.test", "role": "sales_rep", "manager_id": world.rep1.pk}
    )
    assert response.status_code == 422 and fields(response) == ["manager_id"]
    assert not User.objects.filter(email="x@acme.test").exists()


def test_a_manager_of_another_tenant_is_422_naming_manager_id(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/users", {"email": "x@acme.test", "role": "sales_rep", "manager_id": world.other_admin.pk}
    )
    assert response.status_code == 422 and fields(response) == ["manager_id"]


def test_bad_email_and_role_are_422_naming_them(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/users", {"email": "not-an-email", "role": "owner"})
    assert response.status_code == 422
    assert set(fields(response)) == {"email", "role"}


@pytest.mark.parametrize("who", ["manager", "rep1"])
def test_only_an_admin_adds_people(world: World, api_as: Any, who: str) -> None:
    response = api_as(getattr(world, who)).post("/api/users", {"email": "x@acme.test", "role": "sales_rep"})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@acme.test").exists()


# --- Editing -------------------------------------------------------------------------------------------


def test_an_admin_changes_role_and_manager_with_an_audit_event(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(
        f"/api/users/{world.rep3.pk}",
        {"role": "sales_rep", "manager_id": world.manager.pk, "full_name": "Rae"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["manager"]["id"] == world.manager.pk
    assert response.json()["full_name"] == "Rae"
    audit = user_audits(world).get(action="user.update")
    assert audit.before["manager_id"] is None and audit.after["manager_id"] == world.manager.pk


def test_null_manager_removes_the_manager(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/users/{world.rep1.pk}", {"manager_id": None})
    assert response.status_code == 200 and response.json()["manager"] is None


def test_a_patch_that_changes_nothing_writes_no_audit_event(world: World, api_as: Any) -> None:
    api_as(world.admin).patch(f"/api/users/{world.rep1.pk}", {"role": "sales_rep"})
    assert not user_audits(world).exists()


def test_null_role_is_422(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/users/{world.rep1.pk}", {"role": None})
    assert response.status_code == 422 and fields(response) == ["role"]


def test_a_person_cannot_report_to_themselves(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/users/{world.manager.pk}", {"manager_id": world.manager.pk})
    assert response.status_code == 422 and fields(response) == ["manager_id"]


@pytest.mark.parametrize("who", ["manager", "rep1"])
def test_managers_and_reps_cannot_edit_people(world: World, api_as: Any, who: str) -> None:
    response = api_as(getattr(world, who)).patch(f"/api/users/{world.rep1.pk}", {"full_name": "Hacked"})
    assert response.status_code == 403
    world.rep1.refresh_from_db()
    assert world.rep1.full_name == "Rep1"


def test_the_last_active_admin_cannot_demote_themselves(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/users/{world.admin.pk}", {"role": "manager"})
    assert response.status_code == 409 and fields(response) == ["role"]
    assert Membership.objects.get(user=world.admin).role == Role.ADMIN
    assert not user_audits(world).exists()


def test_the_last_active_admin_cannot_deactivate_themselves(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/users/{world.admin.pk}", {"is_active": False})
    assert response.status_code == 409 and fields(response) == ["is_active"]
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_an_admin_may_step_down_when_another_admin_is_active(world: World, api_as: Any) -> None:
    make_user(world.acme, "second@acme.test", Role.ADMIN)
    response = api_as(world.admin).patch(f"/api/users/{world.admin.pk}", {"role": "manager"})
    assert response.status_code == 200 and response.json()["role"] == "manager"


def test_an_inactive_admin_does_not_count_as_another_admin(world: World, api_as: Any) -> None:
    second = make_user(world.acme, "second@acme.test", Role.ADMIN)
    second.is_active = False
    second.save()
    response = api_as(world.admin).patch(f"/api/users/{world.admin.pk}", {"role": "sales_rep"})
    assert response.status_code == 409


def test_a_manager_who_still_leads_people_cannot_become_a_rep(world: World, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/users/{world.manager.pk}", {"role": "sales_rep"})
    assert response.status_code == 409 and fields(response) == ["role"]


def test_deactivating_revokes_tokens_and_keeps_customers(world: World, api_as: Any, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep1)
    rep_token = api_token_create(tenant=world.acme, user=world.rep1).plaintext
    response = api_as(world.admin).patch(f"/api/users/{world.rep1.pk}", {"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert response.json()["customer_count"] == 1
    assert not ApiToken.objects.filter(user=world.rep1, revoked_at__isnull=True).exists()
    customer.refresh_from_db()
    assert customer.assigned_rep_id == world.rep1.pk
    audit = user_audits(world).get(action="user.update")
    assert audit.after["is_active"] is False and audit.after["api_tokens_revoked"] == 1
    refused = Client().get("/api/me", headers={"Authorization": f"Bearer {rep_token}"})
    assert refused.status_code == 401


def test_a_deactivated_person_cannot_sign_in(world: World, api_as: Any) -> None:
    api_as(world.admin).patch(f"/api/users/{world.rep1.pk}", {"is_active": False})
    assert not Client().login(username="rep1@acme.test", password="pw-for-tests-1")


# --- Reassigning customers -----------------------------------------------------------------------------


@pytest.fixture
def books(world: World, unscoped: None) -> dict[str, list[Customer]]:
    return {
        "rep1": [make_customer(world.acme, world.rep1) for _ in range(3)],
        "rep3": [make_customer(world.acme, world.rep3)],
    }


def assigned(world: World, user: User) -> int:
    return Customer.objects.for_tenant(world.acme).filter(assigned_rep=user).count()


def test_an_admin_moves_a_reps_whole_book_with_one_audit_event(world: World, books: Any, api_as: Any) -> None:
    response = api_as(world.admin).post(
        f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.rep3.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["moved"] == 3 and response.json()["to_user"]["id"] == world.rep3.pk
    assert (assigned(world, world.rep1), assigned(world, world.rep3)) == (0, 4)
    [audit] = user_audits(world).filter(action="user.reassign_customers")
    assert audit.after == {"assigned_rep_id": world.rep3.pk, "customers_moved": 3}


def test_a_manager_moves_customers_within_their_team(world: World, books: Any, api_as: Any) -> None:
    response = api_as(world.manager).post(
        f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.rep2.pk}
    )
    assert response.status_code == 200 and assigned(world, world.rep2) == 3


def test_a_manager_cannot_move_customers_outside_their_team(world: World, books: Any, api_as: Any) -> None:
    response = api_as(world.manager).post(
        f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.rep3.pk}
    )
    assert response.status_code == 403
    assert assigned(world, world.rep1) == 3 and not user_audits(world).exists()


def test_a_rep_cannot_move_their_own_customers(world: World, books: Any, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.rep2.pk}
    )
    assert response.status_code == 403 and assigned(world, world.rep1) == 3


def test_moving_to_another_tenants_user_is_422_naming_to_user_id(
    world: World, books: Any, api_as: Any
) -> None:
    response = api_as(world.admin).post(
        f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.other_rep.pk}
    )
    assert response.status_code == 422 and fields(response) == ["to_user_id"]
    assert assigned(world, world.rep1) == 3


def test_moving_to_a_deactivated_person_is_422(world: World, books: Any, api_as: Any) -> None:
    world.rep2.is_active = False
    world.rep2.save()
    response = api_as(world.admin).post(
        f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.rep2.pk}
    )
    assert response.status_code == 422 and fields(response) == ["to_user_id"]


def test_moving_to_the_same_person_is_422(world: World, books: Any, api_as: Any) -> None:
    response = api_as(world.admin).post(
        f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.rep1.pk}
    )
    assert response.status_code == 422 and fields(response) == ["to_user_id"]


def test_moving_another_tenants_customers_never_happens(world: World, books: Any, api_as: Any) -> None:
    other_customer = make_customer(world.other, world.other_rep)
    api_as(world.admin).post(f"/api/users/{world.rep1.pk}/reassign-customers", {"to_user_id": world.rep3.pk})
    other_customer.refresh_from_db()
    assert other_customer.assigned_rep_id == world.other_rep.pk


def test_a_manager_cannot_move_customers_of_someone_outside_their_team(
    world: World, books: Any, api_as: Any
) -> None:
    response = api_as(world.manager).post(
        f"/api/users/{world.rep3.pk}/reassign-customers", {"to_user_id": world.rep1.pk}
    )
    assert response.status_code == 404
    assert assigned(world, world.rep3) == 1


def test_a_rep_moving_someone_elses_customers_gets_404(world: World, books: Any, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        f"/api/users/{world.rep3.pk}/reassign-customers", {"to_user_id": world.rep1.pk}
    )
    assert response.status_code == 404
    assert assigned(world, world.rep3) == 1


def test_a_manager_editing_someone_outside_their_team_gets_404(world: World, api_as: Any) -> None:
    assert api_as(world.manager).patch(f"/api/users/{world.rep3.pk}", {"full_name": "X"}).status_code == 404


def test_reactivating_keeps_old_tokens_revoked(world: World, api_as: Any) -> None:
    issued = api_token_create(tenant=world.acme, user=world.rep1)
    admin = api_as(world.admin)
    admin.patch(f"/api/users/{world.rep1.pk}", {"is_active": False})
    response = admin.patch(f"/api/users/{world.rep1.pk}", {"is_active": True})
    assert response.status_code == 200 and response.json()["is_active"] is True
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {issued.plaintext}"}).status_code == 401
