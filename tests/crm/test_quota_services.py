"""Quota services and selectors: who may set whose targets, the bulk fills, and revenue against quota."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.models import OrderStatus, SalesQuota
from leora.crm.selectors.quotas import attainment, quota_grid, quota_people, rep_week_revenue
from leora.crm.services.quotas import (
    quota_apply_forward,
    quota_copy_week,
    quota_set,
    quota_update,
)
from leora.errors import Forbidden, InvalidInput, NotFound
from leora.tenancy.models import AuditEvent, Role, User
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
WEEK = timedelta(weeks=1)


@pytest.fixture
def other_team(world: World, unscoped: None) -> dict[str, User]:
    """A second manager in acme with a rep of their own."""
    manager2 = factories.make_user(world.acme, "manager2@acme.test", Role.MANAGER)
    return {"manager": manager2, "rep": factories.make_user(world.acme, "rep4@acme.test", manager=manager2)}


def actor(world: World, user: User) -> Any:
    return factories.actor(world.acme, user)


def targets(world: World) -> dict[tuple[str, date], Decimal]:
    return {
        (q.user.email, q.week_start): q.revenue_target
        for q in SalesQuota.objects.for_tenant(world.acme).select_related("user")
    }


def quota_audits(world: World) -> list[str]:
    return list(
        AuditEvent.objects.for_tenant(world.acme)
        .filter(action__startswith="quota.")
        .values_list("action", flat=True)
    )


# ------------------------------------------------------------------------------------------ quota_set


def test_a_manager_sets_a_target_for_their_rep(world: World, unscoped: None) -> None:
    quota, created = quota_set(
        actor=actor(world, world.manager),
        user_id=world.rep1.pk,
        week_start=MONDAY,
        revenue_target=Decimal("6000"),
    )
    assert created and quota.set_by == world.manager
    assert targets(world) == {("rep1@acme.test", MONDAY): Decimal("6000")}
    assert quota_audits(world) == ["quota.create"]


def test_a_manager_cannot_set_a_target_for_another_managers_rep(
    world: World, other_team: dict[str, User], unscoped: None
) -> None:
    with pytest.raises(Forbidden):
        quota_set(
            actor=actor(world, world.manager),
            user_id=other_team["rep"].pk,
            week_start=MONDAY,
            revenue_target=Decimal("6000"),
        )
    assert targets(world) == {} and quota_audits(world) == []


def test_a_rep_cannot_set_a_target_even_their_own(world: World, unscoped: None) -> None:
    with pytest.raises(Forbidden):
        quota_set(
            actor=actor(world, world.rep1),
            user_id=world.rep1.pk,
            week_start=MONDAY,
            revenue_target=Decimal(1),
        )
    assert targets(world) == {}


def test_an_admin_sets_anyones_target(world: World, other_team: dict[str, User], unscoped: None) -> None:
    quota_set(
        actor=actor(world, world.admin),
        user_id=other_team["rep"].pk,
        week_start=MONDAY,
        revenue_target=Decimal(5),
    )
    assert targets(world) == {("rep4@acme.test", MONDAY): Decimal(5)}


def test_a_negative_target_is_422_naming_the_field_and_writes_nothing(world: World, unscoped: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        quota_set(
            actor=actor(world, world.manager),
            user_id=world.rep1.pk,
            week_start=MONDAY,
            revenue_target=Decimal("-1"),
        )
    assert refused.value.status == 422 and refused.value.errors[0].field == "revenue_target"
    assert targets(world) == {} and quota_audits(world) == []


def test_a_target_too_large_for_money_is_422(world: World, unscoped: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        quota_set(
            actor=actor(world, world.admin),
            user_id=world.rep1.pk,
            week_start=MONDAY,
            revenue_target=Decimal("1e13"),
        )
    assert refused.value.errors[0].field == "revenue_target"
    assert targets(world) == {}


def test_the_api_agrees_a_manager_cannot_set_another_managers_reps_target(
    world: World, other_team: dict[str, User], api_as: Any
) -> None:
    response = api_as(world.manager).post(
        "/api/quotas", {"user_id": other_team["rep"].pk, "week_start": str(MONDAY), "revenue_target": "10"}
    )
    assert response.status_code == 403
    assert targets(world) == {}


def test_the_api_refuses_a_negative_target_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.manager).post(
        "/api/quotas", {"user_id": world.rep1.pk, "week_start": str(MONDAY), "revenue_target": "-10"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["revenue_target"]
    assert targets(world) == {}


# --------------------------------------------------------------------------------------- quota_update


def test_updating_a_quota_outside_the_managers_team_is_not_found(
    world: World, other_team: dict[str, User], unscoped: None
) -> None:
    quota = factories.make_quota(world.acme, other_team["rep"], MONDAY, "100")
    with pytest.raises(NotFound):
        quota_update(actor=actor(world, world.manager), quota=quota, changes={"revenue_target": Decimal(1)})
    quota.refresh_from_db()
    assert quota.revenue_target == Decimal(100)


def test_updating_a_quota_to_a_negative_target_is_422(world: World, unscoped: None) -> None:
    quota = factories.make_quota(world.acme, world.rep1, MONDAY, "100")
    with pytest.raises(InvalidInput) as refused:
        quota_update(actor=actor(world, world.manager), quota=quota, changes={"revenue_target": Decimal(-5)})
    assert refused.value.errors[0].field == "revenue_target"
    quota.refresh_from_db()
    assert quota.revenue_target == Decimal(100)


# ------------------------------------------------------------------------------------- quota_copy_week


@pytest.fixture
def last_week(world: World, other_team: dict[str, User], unscoped: None) -> None:
    for user, target in [
        (world.rep1, "5000"),
        (world.rep2, "4000"),
        (world.rep3, "3000"),
        (other_team["rep"], "2000"),
    ]:
        factories.make_quota(world.acme, user, MONDAY, target)
    factories.make_quota(world.other, world.other_rep, MONDAY, "9000")


def test_a_manager_copies_their_teams_targets_into_the_next_week(world: World, last_week: None) -> None:
    result = quota_copy_week(actor=actor(world, world.manager), from_week=MONDAY, to_week=MONDAY + WEEK)
    assert (result.written, result.kept) == (2, 0)
    copied = {key: value for key, value in targets(world).items() if key[1] == MONDAY + WEEK}
    assert copied == {
        ("rep1@acme.test", MONDAY + WEEK): Decimal(5000),
        ("rep2@acme.test", MONDAY + WEEK): Decimal(4000),
    }
    assert quota_audits(world) == ["quota.create", "quota.create"]


def test_copying_keeps_targets_already_set_unless_told_to_replace(world: World, last_week: None) -> None:
    factories.make_quota(world.acme, world.rep1, MONDAY + WEEK, "7000")
    kept = quota_copy_week(actor=actor(world, world.manager), from_week=MONDAY, to_week=MONDAY + WEEK)
    assert (kept.written, kept.kept) == (1, 1)
    assert targets(world)[("rep1@acme.test", MONDAY + WEEK)] == Decimal(7000)
    replaced = quota_copy_week(
        actor=actor(world, world.manager), from_week=MONDAY, to_week=MONDAY + WEEK, replace=True
    )
    assert (replaced.written, replaced.kept) == (1, 0)  # rep2's copy was already equal
    assert targets(world)[("rep1@acme.test", MONDAY + WEEK)] == Decimal(5000)


def test_an_admin_copies_everyone_in_the_tenant_and_no_other_tenant(world: World, last_week: None) -> None:
    result = quota_copy_week(actor=actor(world, world.admin), from_week=MONDAY, to_week=MONDAY + WEEK)
    assert result.written == 4
    assert not SalesQuota.objects.for_tenant(world.other).filter(week_start=MONDAY + WEEK).exists()


def test_copying_a_week_with_no_targets_is_422_and_writes_nothing(world: World, last_week: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        quota_copy_week(actor=actor(world, world.manager), from_week=MONDAY - WEEK, to_week=MONDAY + WEEK)
    assert refused.value.errors[0].field == "from_week"
    assert quota_audits(world) == []


def test_copying_into_a_day_that_is_not_a_monday_is_422(world: World, last_week: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        quota_copy_week(
            actor=actor(world, world.manager), from_week=MONDAY, to_week=MONDAY + timedelta(days=8)
        )
    assert refused.value.errors[0].field == "to_week"


def test_a_rep_cannot_copy_targets(world: World, last_week: None) -> None:
    with pytest.raises(Forbidden):
        quota_copy_week(actor=actor(world, world.rep1), from_week=MONDAY, to_week=MONDAY + WEEK)


def test_copying_skips_people_since_deactivated(world: World, last_week: None) -> None:
    world.rep2.is_active = False
    world.rep2.save()
    result = quota_copy_week(actor=actor(world, world.manager), from_week=MONDAY, to_week=MONDAY + WEEK)
    assert result.written == 1


# --------------------------------------------------------------------------------- quota_apply_forward


def test_a_reps_target_applies_to_the_next_weeks(world: World, last_week: None) -> None:
    result = quota_apply_forward(
        actor=actor(world, world.manager), user_id=world.rep1.pk, from_week=MONDAY, weeks=3
    )
    assert (result.written, result.kept) == (3, 0)
    rep1 = {week: value for (email, week), value in targets(world).items() if email == "rep1@acme.test"}
    assert rep1 == {MONDAY + WEEK * n: Decimal(5000) for n in range(4)}
    assert quota_audits(world) == ["quota.create"] * 3


def test_applying_forward_keeps_or_replaces_weeks_already_set(world: World, last_week: None) -> None:
    factories.make_quota(world.acme, world.rep1, MONDAY + 2 * WEEK, "100")
    kept = quota_apply_forward(
        actor=actor(world, world.manager), user_id=world.rep1.pk, from_week=MONDAY, weeks=2
    )
    assert (kept.written, kept.kept) == (1, 1)
    assert targets(world)[("rep1@acme.test", MONDAY + 2 * WEEK)] == Decimal(100)
    quota_apply_forward(
        actor=actor(world, world.manager), user_id=world.rep1.pk, from_week=MONDAY, weeks=2, replace=True
    )
    assert targets(world)[("rep1@acme.test", MONDAY + 2 * WEEK)] == Decimal(5000)


@pytest.mark.parametrize("weeks", [0, 53, -1])
def test_applying_to_a_number_of_weeks_out_of_range_is_422(world: World, last_week: None, weeks: int) -> None:
    with pytest.raises(InvalidInput) as refused:
        quota_apply_forward(
            actor=actor(world, world.manager), user_id=world.rep1.pk, from_week=MONDAY, weeks=weeks
        )
    assert refused.value.errors[0].field == "weeks"
    assert quota_audits(world) == []


def test_applying_a_week_without_a_target_is_422_naming_the_week(world: World, last_week: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        quota_apply_forward(
            actor=actor(world, world.manager), user_id=world.rep1.pk, from_week=MONDAY + WEEK, weeks=2
        )
    assert refused.value.errors[0].field == "from_week"


def test_a_manager_cannot_apply_another_managers_reps_target(
    world: World, last_week: None, other_team: dict[str, User]
) -> None:
    with pytest.raises(Forbidden):
        quota_apply_forward(
            actor=actor(world, world.manager), user_id=other_team["rep"].pk, from_week=MONDAY, weeks=2
        )
    assert quota_audits(world) == []


# ---------------------------------------------------------------------------------- revenue and grid


@pytest.fixture
def sales(world: World, unscoped: None) -> None:
    """rep1: 300 in the week of MONDAY (200 + 100, a cancelled 999 left out) and 50 the week after;
    rep2: 80 in the week of MONDAY; rep3 (outside the manager's team): 500; the other tenant: 700."""
    rep1 = factories.make_customer(world.acme, world.rep1)
    rep1b = factories.make_customer(world.acme, world.rep1)
    factories.make_order(rep1, order_date=MONDAY, total=Decimal(200))
    factories.make_order(rep1b, order_date=MONDAY + timedelta(days=6), total=Decimal(100))
    factories.make_order(
        rep1, order_date=MONDAY + timedelta(days=2), total=Decimal(999), status=OrderStatus.CANCELLED
    )
    factories.make_order(rep1, order_date=MONDAY + WEEK, total=Decimal(50))
    factories.make_order(rep1, order_date=MONDAY - timedelta(days=1), total=Decimal(1))
    factories.make_order(
        factories.make_customer(world.acme, world.rep2), order_date=MONDAY, total=Decimal(80)
    )
    factories.make_order(
        factories.make_customer(world.acme, world.rep3), order_date=MONDAY, total=Decimal(500)
    )
    factories.make_order(
        factories.make_customer(world.other, world.other_rep), order_date=MONDAY, total=Decimal(700)
    )


def test_revenue_by_rep_and_week_counts_orders_not_cancelled(world: World, sales: None) -> None:
    revenue = rep_week_revenue(actor=actor(world, world.admin), week_from=MONDAY, week_to=MONDAY + WEEK)
    assert revenue == {
        (world.rep1.pk, MONDAY): Decimal(300),
        (world.rep1.pk, MONDAY + WEEK): Decimal(50),
        (world.rep2.pk, MONDAY): Decimal(80),
        (world.rep3.pk, MONDAY): Decimal(500),
    }


def test_a_managers_revenue_is_their_teams_only(world: World, sales: None) -> None:
    revenue = rep_week_revenue(actor=actor(world, world.manager), week_from=MONDAY, week_to=MONDAY)
    assert revenue == {(world.rep1.pk, MONDAY): Decimal(300), (world.rep2.pk, MONDAY): Decimal(80)}


def test_attainment_is_a_whole_percentage_rounded_down() -> None:
    assert attainment(Decimal(300), Decimal(400)) == 75
    assert attainment(Decimal("299.99"), Decimal(300)) == 99
    assert attainment(Decimal(10), Decimal(0)) is None
    assert attainment(None, Decimal(5)) is None


def test_the_grid_shows_a_managers_reps_with_targets_revenue_and_last_week(world: World, sales: None) -> None:
    # given targets for rep1 in the week of MONDAY and the one after, seen on the Wednesday after those
    factories.make_quota(world.acme, world.rep1, MONDAY, "400")
    factories.make_quota(world.acme, world.rep1, MONDAY + WEEK, "500")
    factories.make_quota(world.acme, world.rep3, MONDAY + WEEK, "100")
    today = MONDAY + WEEK + timedelta(days=2)

    # when the manager reads three weeks from MONDAY
    grid = quota_grid(actor=actor(world, world.manager), first_week=MONDAY, weeks=3, today=today)

    # then the rows are their reps, the past and current weeks carry revenue, the future none
    assert [row.person.email for row in grid.rows] == ["rep1@acme.test", "rep2@acme.test"]
    rep1 = grid.rows[0]
    assert [(c.target, c.revenue, c.attainment) for c in rep1.cells] == [
        (Decimal(400), Decimal(300), 75),
        (Decimal(500), Decimal(50), 10),
        (None, None, None),
    ]
    assert (rep1.last_week.week_start, rep1.last_week.attainment) == (MONDAY, 75)
    assert [(t.target, t.revenue) for t in grid.totals] == [
        (Decimal(400), Decimal(380)),
        (Decimal(500), Decimal(50)),
        (None, None),
    ]


def test_the_grid_reads_last_week_even_when_it_shows_later_weeks(world: World, sales: None) -> None:
    factories.make_quota(world.acme, world.rep1, MONDAY, "600")
    grid = quota_grid(
        actor=actor(world, world.manager), first_week=MONDAY + 4 * WEEK, weeks=2, today=MONDAY + WEEK
    )
    assert grid.rows[0].last_week.revenue == Decimal(300)
    assert grid.rows[0].last_week.attainment == 50
    assert all(cell.revenue is None for cell in grid.rows[0].cells)


def test_quota_people_are_active_reps_plus_anyone_already_given_a_target(
    world: World, unscoped: None
) -> None:
    world.rep2.is_active = False
    world.rep2.save()
    scope = actor(world, world.manager)
    assert [u.email for u in quota_people(actor=scope)] == ["rep1@acme.test"]
    shown = quota_people(actor=scope, user_ids={world.manager.pk, world.rep2.pk, world.rep3.pk})
    assert sorted(u.email for u in shown) == ["manager@acme.test", "rep1@acme.test", "rep2@acme.test"]
