"""The quotas page: who may open it, what each person sees, saving a cell, and the bulk fills."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from leora.crm.models import SalesQuota
from leora.tenancy.calendar import tenant_today, week_start
from leora.tenancy.models import AuditEvent, Role, User
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
WEEK = timedelta(weeks=1)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def this_monday(world: World) -> date:
    return week_start(tenant_today(world.acme))


def targets(world: World) -> dict[tuple[str, date], Decimal]:
    return {
        (q.user.email, q.week_start): q.revenue_target
        for q in SalesQuota.objects.for_tenant(world.acme).select_related("user")
    }


def save_cell(client: Client, user: User, week: date, value: str, **headers: str) -> Any:
    data = {"user_id": user.pk, "week_start": week.isoformat(), "revenue_target": value}
    return client.post("/quotas/cell/", data, headers=headers or None)


@pytest.fixture
def other_team(world: World, unscoped: None) -> dict[str, User]:
    manager2 = factories.make_user(world.acme, "manager2@acme.test", Role.MANAGER)
    return {"manager": manager2, "rep": factories.make_user(world.acme, "rep4@acme.test", manager=manager2)}


# ---------------------------------------------------------------------------------------------- access


def test_the_page_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/quotas/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_rep_is_refused_the_page_and_its_forms(world: World) -> None:
    rep = signed_in(world.rep1)
    assert rep.get("/quotas/").status_code == 403
    assert save_cell(rep, world.rep1, this_monday(world), "100").status_code == 403
    assert rep.post("/quotas/copy/", {"to_week": this_monday(world).isoformat()}).status_code == 403
    assert targets(world) == {}


def test_a_rep_sees_no_quotas_link_and_a_manager_does(world: World) -> None:
    assert 'href="/quotas/"' not in signed_in(world.rep1).get("/").content.decode()
    assert 'href="/quotas/"' in signed_in(world.manager).get("/").content.decode()


def test_a_manager_sees_their_reps_and_nobody_elses(world: World, other_team: dict[str, User]) -> None:
    page = signed_in(world.manager).get("/quotas/").content.decode()
    assert "rep1@acme.test" in page and "rep2@acme.test" in page
    assert "rep3@acme.test" not in page and "rep4@acme.test" not in page
    assert "rep@other.test" not in page


def test_an_admin_sees_every_rep_of_the_tenant_only(world: World, other_team: dict[str, User]) -> None:
    page = signed_in(world.admin).get("/quotas/").content.decode()
    for email in ("rep1@acme.test", "rep2@acme.test", "rep3@acme.test", "rep4@acme.test"):
        assert email in page
    assert "rep@other.test" not in page


def test_the_page_shows_nine_weeks_from_this_one(world: World) -> None:
    monday = this_monday(world)
    page = signed_in(world.manager).get("/quotas/").content.decode()
    for n in range(9):
        assert f'value="{(monday + WEEK * n).isoformat()}"' in page
    assert f'name="week_start" value="{(monday + WEEK * 9).isoformat()}"' not in page
    assert f'name="week_start" value="{(monday - WEEK).isoformat()}"' not in page


def test_earlier_weeks_show_revenue_and_attainment(world: World, unscoped: None) -> None:
    # given rep1 sold 450 against a target of 600 three weeks ago
    monday = this_monday(world)
    weeks_ago = monday - 3 * WEEK
    customer = factories.make_customer(world.acme, world.rep1)
    factories.make_order(customer, order_date=weeks_ago + timedelta(days=1), total=Decimal(450))
    factories.make_quota(world.acme, world.rep1, weeks_ago, "600")

    # when the manager moves the grid back
    page = signed_in(world.manager).get(f"/quotas/?from={(monday - 4 * WEEK).isoformat()}").content.decode()

    # then that week's cell holds the target and what it brought in
    assert f'name="week_start" value="{weeks_ago.isoformat()}"' in page
    assert 'value="600"' in page and "$450 · 75%" in page


def test_a_junk_week_shows_the_current_one(world: World) -> None:
    page = signed_in(world.manager).get("/quotas/?from=not-a-date").content.decode()
    assert f'name="week_start" value="{this_monday(world).isoformat()}"' in page


def test_the_grid_alone_answers_an_htmx_request(world: World) -> None:
    response = signed_in(world.manager).get("/quotas/", headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith("{%") is False and 'id="quota-grid"' in body and "<html" not in body


def test_the_page_costs_the_same_queries_for_more_reps(
    world: World, django_assert_num_queries: Any, unscoped: None
) -> None:
    monday = this_monday(world)
    client = signed_in(world.admin)
    client.get("/quotas/")  # warm the session and the metric caches
    for n in range(5):
        rep = factories.make_user(world.acme, f"extra{n}@acme.test", manager=world.manager)
        factories.make_quota(world.acme, rep, monday, "100")
        factories.make_order(factories.make_customer(world.acme, rep), order_date=monday, total=Decimal(10))
    # session, user, membership, then the grid: quotas, people, revenue (the form reuses the people)
    with django_assert_num_queries(6):
        assert client.get("/quotas/").status_code == 200


# -------------------------------------------------------------------------------------------- one cell


def test_a_manager_sets_a_reps_target_in_a_cell(world: World) -> None:
    next_week = this_monday(world) + WEEK
    response = save_cell(signed_in(world.manager), world.rep1, next_week, "6,500", **HTMX)
    assert response.status_code == 200
    assert targets(world) == {("rep1@acme.test", next_week): Decimal(6500)}
    body = response.content.decode()
    assert 'value="6500"' in body and 'hx-swap-oob="outerHTML"' in body
    assert "Saved Rep1" in body
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="quota.create").count() == 1


def test_a_cell_replaces_a_target_already_set(world: World, unscoped: None) -> None:
    monday = this_monday(world)
    factories.make_quota(world.acme, world.rep1, monday, "100")
    save_cell(signed_in(world.manager), world.rep1, monday, "250.5", **HTMX)
    assert targets(world) == {("rep1@acme.test", monday): Decimal("250.50")}


def test_emptying_a_cell_removes_the_target(world: World, unscoped: None) -> None:
    monday = this_monday(world)
    factories.make_quota(world.acme, world.rep1, monday, "100")
    response = save_cell(signed_in(world.manager), world.rep1, monday, "  ", **HTMX)
    assert response.status_code == 200
    assert targets(world) == {}
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="quota.delete").count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Enter an amount, such as 5000"),
        ("-20", "A target cannot be negative"),
        ("NaN", "Enter an amount"),
    ],
)
def test_bad_input_in_a_cell_is_422_with_the_error_beside_it_and_writes_nothing(
    world: World, typed: str, message: str
) -> None:
    monday = this_monday(world)
    response = save_cell(signed_in(world.manager), world.rep1, monday, typed, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert f'value="{typed}"' in body and 'aria-invalid="true"' in body
    assert f'id="quota-{world.rep1.pk}-{monday:%Y%m%d}-error"' in body
    assert targets(world) == {}
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action__startswith="quota.").exists()


def test_a_week_that_is_not_a_monday_is_422(world: World) -> None:
    tuesday = this_monday(world) + timedelta(days=1)
    response = save_cell(signed_in(world.manager), world.rep1, tuesday, "100", **HTMX)
    assert response.status_code == 422 and "weeks start on Monday" in response.content.decode()
    assert targets(world) == {}


def test_a_missing_week_is_422_naming_the_field(world: World) -> None:
    response = signed_in(world.manager).post(
        "/quotas/cell/", {"user_id": world.rep1.pk, "week_start": "", "revenue_target": "5"}, headers=HTMX
    )
    assert response.status_code == 422 and "week_start" in response.content.decode()


def test_a_manager_setting_another_managers_reps_target_gets_404_and_nothing_is_written(
    world: World, other_team: dict[str, User]
) -> None:
    response = save_cell(signed_in(world.manager), other_team["rep"], this_monday(world), "100", **HTMX)
    assert response.status_code == 404
    assert targets(world) == {}


def test_another_tenants_rep_is_404(world: World) -> None:
    response = save_cell(signed_in(world.admin), world.other_rep, this_monday(world), "100", **HTMX)
    assert response.status_code == 404
    assert not SalesQuota.objects.for_tenant(world.other).exists()


def test_without_htmx_a_cell_saves_and_returns_to_the_page(world: World) -> None:
    monday = this_monday(world)
    client = signed_in(world.manager)
    response = client.post(
        "/quotas/cell/",
        {"user_id": world.rep2.pk, "week_start": monday.isoformat(), "revenue_target": "900", "from": ""},
    )
    assert response.status_code == 302 and response["Location"] == "/quotas/"
    assert targets(world) == {("rep2@acme.test", monday): Decimal(900)}
    assert "Saved Rep2" in client.get("/quotas/").content.decode()


def test_without_htmx_bad_input_shows_the_page_again_with_the_error(world: World) -> None:
    response = save_cell(signed_in(world.manager), world.rep2, this_monday(world), "abc")
    assert response.status_code == 422
    body = response.content.decode()
    assert "<html" in body and "Enter an amount, such as 5000" in body and 'value="abc"' in body


# ------------------------------------------------------------------------------------------ bulk fills


def test_copying_last_weeks_targets_into_this_week(world: World, unscoped: None) -> None:
    monday = this_monday(world)
    factories.make_quota(world.acme, world.rep1, monday - WEEK, "5000")
    factories.make_quota(world.acme, world.rep3, monday - WEEK, "3000")
    response = signed_in(world.manager).post("/quotas/copy/", {"to_week": monday.isoformat()}, headers=HTMX)
    assert response.status_code == 200
    assert targets(world)[("rep1@acme.test", monday)] == Decimal(5000)
    assert ("rep3@acme.test", monday) not in targets(world)
    events = json.loads(response["HX-Trigger"])
    assert events["toast"]["text"] == "1 target set." and "records-changed" in events


def test_copying_from_an_empty_week_is_422_on_the_form(world: World) -> None:
    response = signed_in(world.manager).post(
        "/quotas/copy/", {"to_week": this_monday(world).isoformat()}, headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "no targets are set for the week of" in body and 'aria-invalid="true"' in body
    assert targets(world) == {}


def test_applying_a_target_to_the_next_weeks(world: World, unscoped: None) -> None:
    monday = this_monday(world)
    factories.make_quota(world.acme, world.rep2, monday, "4200")
    response = signed_in(world.manager).post(
        "/quotas/apply/",
        {"user": world.rep2.pk, "from_week": monday.isoformat(), "weeks": "3"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert {week for (email, week) in targets(world) if email == "rep2@acme.test"} == {
        monday + WEEK * n for n in range(4)
    }


def test_applying_to_too_many_weeks_is_422_naming_the_field(world: World, unscoped: None) -> None:
    monday = this_monday(world)
    factories.make_quota(world.acme, world.rep2, monday, "4200")
    response = signed_in(world.manager).post(
        "/quotas/apply/",
        {"user": world.rep2.pk, "from_week": monday.isoformat(), "weeks": "99"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert 'id="error-weeks"' in response.content.decode()
    assert len(targets(world)) == 1


def test_applying_another_managers_reps_target_is_refused_on_the_person_field(
    world: World, other_team: dict[str, User], unscoped: None
) -> None:
    monday = this_monday(world)
    factories.make_quota(world.acme, other_team["rep"], monday, "4200")
    response = signed_in(world.manager).post(
        "/quotas/apply/",
        {"user": other_team["rep"].pk, "from_week": monday.isoformat(), "weeks": "2"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert 'id="error-user"' in response.content.decode()
    assert len(targets(world)) == 1


def test_without_htmx_a_bulk_fill_redirects_with_a_message(world: World, unscoped: None) -> None:
    monday = this_monday(world)
    factories.make_quota(world.acme, world.rep1, monday, "100")
    client = signed_in(world.manager)
    response = client.post("/quotas/copy/", {"to_week": (monday + WEEK).isoformat()})
    assert response.status_code == 302 and response["Location"] == "/quotas/"
    assert "1 target set." in client.get("/quotas/").content.decode()
