from typing import Any

import pytest
from django.test import Client

from leora.crm.models import Customer
from leora.tenancy.models import ApiToken, AuditEvent, Membership, Role, User
from leora.tenancy.services.tokens import api_token_create
from tests.conftest import World
from tests.factories import make_customer, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response: Any) -> str:
    return str(response.content.decode())


# --- Who may see what ----------------------------------------------------------------------------------


def test_the_page_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/team/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_rep_is_refused_and_has_no_team_link(world: World) -> None:
    client = signed_in(world.rep1)
    assert client.get("/team/").status_code == 403
    assert client.get(f"/team/{world.rep1.pk}/").status_code == 403
    assert 'href="/team/"' not in page(client.get("/tasks/"))


def test_an_admin_sees_everyone_of_the_tenant_and_nobody_else(world: World) -> None:
    body = page(signed_in(world.admin).get("/team/"))
    for email in ["admin@acme.test", "manager@acme.test", "rep1@acme.test", "rep3@acme.test"]:
        assert email in body
    assert "rep@other.test" not in body and "admin@other.test" not in body
    assert 'href="/team/" aria-current="page"' in body


def test_a_manager_sees_only_their_team_and_no_add_form(world: World) -> None:
    body = page(signed_in(world.manager).get("/team/"))
    assert "rep1@acme.test" in body and "rep2@acme.test" in body
    assert "rep3@acme.test" not in body and "admin@acme.test" not in body
    assert "Add a person" not in body


def test_rows_show_role_badge_manager_customers_and_status(world: World, unscoped: None) -> None:
    make_customer(world.acme, world.rep1)
    make_customer(world.acme, world.rep1)
    world.rep3.is_active = False
    world.rep3.save()
    body = page(signed_in(world.admin).get("/team/", {"search": "rep"}))
    assert '<span class="badge ">Sales rep</span>' in body
    assert '<td data-label="Customers" class="num">2</td>' in body
    assert '<td data-label="Manager">Manager</td>' in body
    assert ">Deactivated</span>" in body and ">Active</span>" in body
    assert "Never" in body


def test_filters_and_sorting_narrow_the_table(world: World, unscoped: None) -> None:
    for _ in range(2):
        make_customer(world.acme, world.rep2)
    client = signed_in(world.admin)
    body = page(client.get("/team/", {"role": "manager"}))
    assert "manager@acme.test" in body and "rep1@acme.test" not in body
    body = page(client.get("/team/", {"sort": "-customers"}))
    assert body.index("rep2@acme.test") < body.index("rep1@acme.test")


def test_an_htmx_search_gets_only_the_results(world: World) -> None:
    response = signed_in(world.admin).get("/team/", {"search": "rep1"}, headers=HTMX)
    body = page(response)
    assert 'id="team-results"' in body and "<html" not in body
    assert "rep1@acme.test" in body and "rep2@acme.test" not in body


def test_the_list_page_runs_six_queries_however_many_people_and_customers(
    world: World, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(15):
        rep = make_user(world.acme, f"extra{n}@acme.test", Role.SALES_REP, manager=world.manager)
        make_customer(world.acme, rep)
    client = signed_in(world.admin)
    # session, user, membership, count, the page (people, managers and book sizes in one), manager choices.
    with django_assert_num_queries(6):
        assert client.get("/team/").status_code == 200


def test_another_tenants_member_page_answers_404(world: World) -> None:
    client = signed_in(world.admin)
    assert client.get(f"/team/{world.other_rep.pk}/").status_code == 404
    assert client.post(f"/team/{world.other_rep.pk}/edit/", {"role": "admin"}).status_code == 404


def test_a_manager_cannot_open_someone_outside_their_team(world: World) -> None:
    assert signed_in(world.manager).get(f"/team/{world.rep3.pk}/").status_code == 404


# --- Adding --------------------------------------------------------------------------------------------


def test_an_admin_adds_a_person_and_sees_the_generated_password_once(world: World) -> None:
    response = signed_in(world.admin).post(
        "/team/add/",
        {
            "email": "nina@acme.test",
            "full_name": "Nina Park",
            "role": "sales_rep",
            "manager": world.manager.pk,
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = page(response)
    membership = Membership.objects.select_related("user").get(user__email="nina@acme.test")
    assert membership.manager == world.manager
    password = body.split('data-testid="initial-password">')[1].split("<")[0]
    assert membership.user.check_password(password)
    assert "Nina Park" in body


def test_the_add_form_shows_inline_errors_and_writes_nothing(world: World) -> None:
    response = signed_in(world.admin).post(
        "/team/add/", {"email": "weak@acme.test", "role": "sales_rep", "password": "12345"}
    )
    assert response.status_code == 422
    body = page(response)
    assert 'id="error-password"' in body and "<details" in body and " open>" in body
    assert 'value="weak@acme.test"' in body
    assert not User.objects.filter(email="weak@acme.test").exists()


def test_adding_an_email_in_use_elsewhere_names_only_the_email(world: World) -> None:
    response = signed_in(world.admin).post("/team/add/", {"email": "rep@other.test", "role": "sales_rep"})
    assert response.status_code == 422
    assert 'id="error-email"' in page(response) and "is already in use" in page(response)


def test_a_manager_cannot_add_people(world: World) -> None:
    response = signed_in(world.manager).post("/team/add/", {"email": "x@acme.test", "role": "sales_rep"})
    assert response.status_code == 403
    assert not User.objects.filter(email="x@acme.test").exists()


# --- Editing -------------------------------------------------------------------------------------------


def edit(user: Any, target: Any, **fields: Any) -> Any:
    data = {"full_name": target.full_name, "role": "sales_rep", "manager": "", "is_active": "on", **fields}
    return signed_in(user).post(f"/team/{target.pk}/edit/", {k: v for k, v in data.items() if v is not None})


def test_an_admin_changes_a_reps_manager(world: World) -> None:
    response = edit(world.admin, world.rep3, manager=world.manager.pk)
    assert response.status_code == 302 and response["Location"] == f"/team/{world.rep3.pk}/"
    assert Membership.objects.get(user=world.rep3).manager == world.manager


def test_deactivating_from_the_page_revokes_tokens_and_says_customers_stay(
    world: World, unscoped: None
) -> None:
    make_customer(world.acme, world.rep3)
    api_token_create(tenant=world.acme, user=world.rep3)
    client = signed_in(world.admin)
    response = client.post(
        f"/team/{world.rep3.pk}/edit/", {"full_name": "Rep3", "role": "sales_rep", "manager": ""}, follow=True
    )
    body = page(response)
    assert "deactivated" in body and "Their customers stay assigned" in body
    world.rep3.refresh_from_db()
    assert not world.rep3.is_active
    assert not ApiToken.objects.filter(user=world.rep3, revoked_at__isnull=True).exists()


def test_the_last_admin_demoting_themselves_sees_the_error_inline(world: World) -> None:
    response = edit(world.admin, world.admin, role="manager")
    assert response.status_code == 422
    assert 'id="error-role"' in page(response) and "last active admin" in page(response)
    assert Membership.objects.get(user=world.admin).role == Role.ADMIN


def test_a_manager_sees_the_member_page_without_the_edit_form(world: World) -> None:
    client = signed_in(world.manager)
    body = page(client.get(f"/team/{world.rep1.pk}/"))
    assert "Role and access" not in body and "Move their customers" in body
    assert edit(world.manager, world.rep1, full_name="Hacked").status_code == 403


# --- Reassigning ---------------------------------------------------------------------------------------


def test_a_manager_moves_a_reps_customers_within_the_team(world: World, unscoped: None) -> None:
    for _ in range(2):
        make_customer(world.acme, world.rep1)
    response = signed_in(world.manager).post(
        f"/team/{world.rep1.pk}/reassign/", {"to_user": world.rep2.pk}, follow=True
    )
    assert "Moved 2 customers" in page(response)
    assert Customer.objects.for_tenant(world.acme).filter(assigned_rep=world.rep2).count() == 2
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="user.reassign_customers").count() == 1


def test_the_reassign_choices_are_the_managers_team(world: World, unscoped: None) -> None:
    make_customer(world.acme, world.rep1)
    body = page(signed_in(world.manager).get(f"/team/{world.rep1.pk}/"))
    choices = body.split('id="id_to_user"')[1].split("</select>")[0]
    assert f'value="{world.rep2.pk}"' in choices and f'value="{world.rep3.pk}"' not in choices


def test_reassigning_outside_the_team_is_refused_inline(world: World, unscoped: None) -> None:
    make_customer(world.acme, world.rep1)
    response = signed_in(world.manager).post(f"/team/{world.rep1.pk}/reassign/", {"to_user": world.rep3.pk})
    assert response.status_code == 422 and 'id="error-to_user"' in page(response)
    assert Customer.objects.for_tenant(world.acme).filter(assigned_rep=world.rep1).count() == 1
