from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import SalesQuota
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.factories import make_quota

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
NEXT_MONDAY = date(2026, 3, 9)


@pytest.fixture
def quotas(world: World, unscoped: None) -> dict[str, SalesQuota]:
    return {
        "rep1": make_quota(world.acme, world.rep1, MONDAY, "5000"),
        "rep1_next": make_quota(world.acme, world.rep1, NEXT_MONDAY, "5500"),
        "rep2": make_quota(world.acme, world.rep2, MONDAY, "4000"),
        "rep3": make_quota(world.acme, world.rep3, MONDAY, "3000"),
        "other": make_quota(world.other, world.other_rep, MONDAY, "9000"),
    }


def targets(response: Any) -> set[tuple[str, str]]:
    return {(item["user"]["email"], item["week_start"]) for item in response.json()["items"]}


def test_a_rep_reads_only_their_own_quotas(world: World, quotas: Any, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/quotas")
    assert response.status_code == 200
    assert targets(response) == {("rep1@acme.test", "2026-03-02"), ("rep1@acme.test", "2026-03-09")}


def test_a_manager_reads_their_teams_quotas(world: World, quotas: Any, api_as: Any) -> None:
    emails = {email for email, _ in targets(api_as(world.manager).get("/api/quotas"))}
    assert emails == {"rep1@acme.test", "rep2@acme.test"}


def test_an_admin_reads_the_whole_tenant(world: World, quotas: Any, api_as: Any) -> None:
    assert api_as(world.admin).get("/api/quotas").json()["total"] == 4


def test_a_quota_shows_its_user_and_target(world: World, quotas: Any, api_as: Any) -> None:
    body = api_as(world.rep1).get(f"/api/quotas/{quotas['rep1'].pk}").json()
    assert (body["user"]["email"], body["week_start"], body["revenue_target"]) == (
        "rep1@acme.test",
        "2026-03-02",
        "5000.00",
    )


def test_another_tenants_quota_answers_404(world: World, quotas: Any, api_as: Any) -> None:
    client, path = api_as(world.admin), f"/api/quotas/{quotas['other'].pk}"
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"] == "quota not found"
    assert client.patch(path, {"revenue_target": "1"}).status_code == 404
    assert client.delete(path).status_code == 404


def test_another_reps_quota_answers_404_for_a_rep(world: World, quotas: Any, api_as: Any) -> None:
    assert api_as(world.rep1).get(f"/api/quotas/{quotas['rep2'].pk}").status_code == 404


def test_a_quota_outside_the_managers_team_answers_404(world: World, quotas: Any, api_as: Any) -> None:
    client = api_as(world.manager)
    assert client.get(f"/api/quotas/{quotas['rep3'].pk}").status_code == 404
    assert client.patch(f"/api/quotas/{quotas['rep3'].pk}", {"revenue_target": "1"}).status_code == 404


def test_filters_by_user_and_week_range(world: World, quotas: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert admin.get("/api/quotas", user_id=world.rep2.pk).json()["total"] == 1
    response = admin.get("/api/quotas", week_start_from="2026-03-03", week_start_to="2026-03-31")
    assert targets(response) == {("rep1@acme.test", "2026-03-09")}


def test_an_inverted_week_range_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get(
        "/api/quotas", week_start_from="2026-03-09", week_start_to="2026-03-02"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "week_start_from"


def test_a_manager_sets_a_quota_for_the_team_and_it_is_audited(world: World, api_as: Any) -> None:
    response = api_as(world.manager).post(
        "/api/quotas", {"user_id": world.rep1.pk, "week_start": "2026-03-16", "revenue_target": "6000"}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["revenue_target"], body["set_by"]["email"]) == ("6000.00", "manager@acme.test")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="quota.create")
    assert audit.object_id == str(body["id"]) and audit.actor == world.manager


def test_setting_the_same_week_again_replaces_the_target(world: World, quotas: Any, api_as: Any) -> None:
    response = api_as(world.manager).post(
        "/api/quotas", {"user_id": world.rep1.pk, "week_start": str(MONDAY), "revenue_target": "7000"}
    )
    assert response.status_code == 200
    assert response.json()["id"] == quotas["rep1"].pk
    quotas["rep1"].refresh_from_db()
    assert quotas["rep1"].revenue_target == Decimal("7000")
    assert SalesQuota.objects.for_tenant(world.acme).filter(user=world.rep1, week_start=MONDAY).count() == 1
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="quota.update")
    assert (audit.before["revenue_target"], audit.after["revenue_target"]) == ("5000.00", "7000.00")


def test_a_week_start_that_is_not_a_monday_is_422_and_writes_nothing(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/quotas", {"user_id": world.rep1.pk, "week_start": "2026-03-04", "revenue_target": "1"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "week_start"
    assert "Wednesday" in response.json()["detail"]
    assert SalesQuota.objects.for_tenant(world.acme).count() == 0
    assert not AuditEvent.objects.for_tenant(world.acme).filter(object_type="salesquota").exists()


def test_a_negative_target_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/quotas", {"user_id": world.rep1.pk, "week_start": str(MONDAY), "revenue_target": "-1"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "revenue_target"


def test_a_user_of_another_tenant_is_422_naming_user_id(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/quotas", {"user_id": world.other_rep.pk, "week_start": str(MONDAY), "revenue_target": "1"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "user_id"


def test_a_manager_cannot_set_a_quota_outside_the_team(world: World, api_as: Any) -> None:
    response = api_as(world.manager).post(
        "/api/quotas", {"user_id": world.rep3.pk, "week_start": str(MONDAY), "revenue_target": "1"}
    )
    assert response.status_code == 403
    assert SalesQuota.objects.for_tenant(world.acme).count() == 0


def test_a_rep_cannot_set_or_change_their_own_quota(world: World, quotas: Any, api_as: Any) -> None:
    client = api_as(world.rep1)
    created = client.post(
        "/api/quotas", {"user_id": world.rep1.pk, "week_start": "2026-03-16", "revenue_target": "1"}
    )
    assert created.status_code == 403
    assert client.patch(f"/api/quotas/{quotas['rep1'].pk}", {"revenue_target": "1"}).status_code == 403
    assert client.delete(f"/api/quotas/{quotas['rep1'].pk}").status_code == 403
    quotas["rep1"].refresh_from_db()
    assert quotas["rep1"].revenue_target == Decimal("5000")


def test_a_manager_changes_a_target_and_it_is_audited(world: World, quotas: Any, api_as: Any) -> None:
    response = api_as(world.manager).patch(f"/api/quotas/{quotas['rep2'].pk}", {"revenue_target": "4200.50"})
    assert response.status_code == 200
    assert (response.json()["revenue_target"], response.json()["set_by"]["email"]) == (
        "4200.50",
        "manager@acme.test",
    )
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="quota.update").count() == 1


def test_moving_a_quota_onto_a_week_already_set_is_409(world: World, quotas: Any, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/quotas/{quotas['rep1'].pk}", {"week_start": str(NEXT_MONDAY)})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "week_start"


def test_moving_a_quota_to_a_tuesday_is_422(world: World, quotas: Any, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/quotas/{quotas['rep1'].pk}", {"week_start": "2026-03-17"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "week_start"


def test_patch_rejects_null_for_a_required_field(world: World, quotas: Any, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/quotas/{quotas['rep1'].pk}", {"revenue_target": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "revenue_target", "message": "cannot be null"}]


def test_a_manager_deletes_a_team_quota(world: World, quotas: Any, api_as: Any) -> None:
    assert api_as(world.manager).delete(f"/api/quotas/{quotas['rep2'].pk}").status_code == 204
    assert not SalesQuota.objects.for_tenant(world.acme).filter(pk=quotas["rep2"].pk).exists()
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="quota.delete").count() == 1


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for week in range(30):
        make_quota(world.acme, world.rep1, date.fromordinal(MONDAY.toordinal() + 7 * week))
    client = api_as(world.manager)
    # token, its last-use stamp, membership, team, count, page (user and set_by joined).
    with django_assert_num_queries(6):
        assert len(client.get("/api/quotas", page_size=30).json()["items"]) == 30


def _target(tenant: Any, user: Any, week: date) -> Decimal | None:
    quota = SalesQuota.objects.for_tenant(tenant).filter(user=user, week_start=week).first()
    return None if quota is None else quota.revenue_target


def test_a_manager_copies_their_teams_week_through_the_api(world: World, quotas: Any, api_as: Any) -> None:
    later = date(2026, 3, 16)
    response = api_as(world.manager).post(
        "/api/quotas/copy-week", {"from_week": str(MONDAY), "to_week": str(later)}
    )
    assert response.status_code == 200, response.json()
    # rep1 and rep2 are the manager's team; rep3 is not, so their target stays where it was.
    assert response.json() == {"written": 2, "kept": 0}
    assert _target(world.acme, world.rep1, later) == Decimal("5000")
    assert _target(world.acme, world.rep2, later) == Decimal("4000")
    assert _target(world.acme, world.rep3, later) is None


def test_apply_forward_keeps_set_targets_unless_told_to_replace(
    world: World, quotas: Any, api_as: Any
) -> None:
    client = api_as(world.manager)
    body = {"user_id": world.rep1.pk, "from_week": str(MONDAY), "weeks": 3}
    assert client.post("/api/quotas/apply-forward", body).json() == {"written": 2, "kept": 1}
    assert _target(world.acme, world.rep1, NEXT_MONDAY) == Decimal("5500")
    assert _target(world.acme, world.rep1, date(2026, 3, 23)) == Decimal("5000")
    replaced = client.post("/api/quotas/apply-forward", {**body, "replace": True}).json()
    assert replaced["written"] >= 1 and _target(world.acme, world.rep1, NEXT_MONDAY) == Decimal("5000")


def test_bulk_quota_operations_refuse_bad_input_and_reps(world: World, quotas: Any, api_as: Any) -> None:
    before = SalesQuota.objects.for_tenant(world.acme).count()
    manager = api_as(world.manager)
    weeks = manager.post(
        "/api/quotas/apply-forward", {"user_id": world.rep1.pk, "from_week": str(MONDAY), "weeks": 0}
    )
    assert weeks.status_code == 422 and weeks.json()["errors"][0]["field"] == "weeks"
    tuesday = manager.post("/api/quotas/copy-week", {"from_week": "2026-03-03", "to_week": str(NEXT_MONDAY)})
    assert tuesday.status_code == 422 and tuesday.json()["errors"][0]["field"] == "from_week"
    outside = manager.post(
        "/api/quotas/apply-forward", {"user_id": world.rep3.pk, "from_week": str(MONDAY), "weeks": 2}
    )
    assert outside.status_code == 403
    rep = api_as(world.rep1).post(
        "/api/quotas/copy-week", {"from_week": str(MONDAY), "to_week": "2026-03-16"}
    )
    assert rep.status_code == 403
    assert SalesQuota.objects.for_tenant(world.acme).count() == before
