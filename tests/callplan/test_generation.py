"""Generating plans: the ranking on a fixed book, reasons naming their metrics, expected values,
regeneration keeping what the rep shaped, the settings admins edit, the job and its notification."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.callplan.generation import plans_generate
from leora.callplan.models import CallPlan, CallPlanItem, ItemSource
from leora.callplan.services import callplan_settings_update, item_update, plan_generate_request
from leora.errors import Forbidden, InvalidInput
from leora.metrics.evaluation import current_version
from leora.notifications.models import Notification
from tests import factories
from tests.callplan.conftest import EXPECTED_ORDER, Book, run_plans
from tests.conftest import World


def _plan_names(world: World, book: Book) -> list[str]:
    plan = CallPlan.objects.get(tenant=world.acme, user=world.rep1, week_start=book.monday)
    items = CallPlanItem.objects.filter(plan=plan, removed_at__isnull=True).select_related("customer")
    return [item.customer.name for item in items.order_by("rank")]


def test_plan_ranks_the_book_by_the_weights_of_its_reasons(world: World, book: Book) -> None:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    assert _plan_names(world, book) == EXPECTED_ORDER


def test_each_reason_names_the_metric_and_version_behind_it(world: World, book: Book) -> None:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    alder = CallPlanItem.objects.get(customer=book.customers["alder"])
    version = current_version(world.acme, "at_risk_customer")
    assert version is not None
    assert alder.reasons == [
        {"reason": "at_risk", "label": "At risk", "weight": 60.0,
         "metrics": [{"code": "at_risk_customer", "version": version.version}]}
    ]  # fmt: skip
    cedar = CallPlanItem.objects.get(customer=book.customers["cedar"])
    assert [m["code"] for m in cedar.reasons[0]["metrics"]] == ["dormant_customer", "high_value_customer"]
    fern = CallPlanItem.objects.get(customer=book.customers["fern"])
    reasons: list[dict[str, Any]] = fern.reasons
    assert reasons[0]["reason"] == "task_due"
    assert reasons[0]["tasks"][0]["title"] == "Bring samples"


def test_suggested_actions_follow_the_heaviest_reason(world: World, book: Book) -> None:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    actions = dict(CallPlanItem.objects.values_list("customer__name", "action"))
    assert actions["Alder Bistro"] == "visit"
    assert actions["Birch Bar"] == "call"
    assert actions["Elm Tavern"] == "tasting"


def test_expected_value_is_the_median_of_the_last_orders(world: World, book: Book) -> None:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    values = dict(CallPlanItem.objects.values_list("customer__name", "expected_value"))
    assert values["Alder Bistro"] == Decimal("100.00")
    assert values["Cedar Cellars"] == Decimal("60000.00")
    assert values["Elm Tavern"] == Decimal("0.00")


def test_an_event_booked_this_week_shows_as_scheduled(world: World, book: Book) -> None:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    iris = CallPlanItem.objects.get(customer=book.customers["iris"])
    assert iris.source == ItemSource.EVENT
    assert iris.scheduled_date == book.monday + timedelta(days=2)
    assert iris.event is not None and iris.event.title == "Wine list review"


def test_regenerating_keeps_scheduled_items_and_replaces_untouched_ones(world: World, book: Book) -> None:
    # given a plan where the rep scheduled Birch Bar, and Elm Tavern was then contacted
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])
    rep1 = factories.actor(world.acme, world.rep1)
    birch = CallPlanItem.objects.get(customer=book.customers["birch"])
    item_update(
        actor=rep1, item=birch, changes={"scheduled_date": book.monday + timedelta(days=1), "note": "mine"}
    )
    factories.make_activity(book.customers["elm"], world.rep1, kind="call")
    # when the plan is generated again
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])
    # then Birch keeps its day and note, and Elm (no longer a prospect without activity) is gone
    birch.refresh_from_db()
    assert birch.scheduled_date == book.monday + timedelta(days=1)
    assert birch.note == "mine"
    assert _plan_names(world, book) == [name for name in EXPECTED_ORDER if name != "Elm Tavern"]


def test_regenerating_keeps_a_scheduled_account_that_lost_its_reasons(world: World, book: Book) -> None:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])
    rep1 = factories.actor(world.acme, world.rep1)
    elm = CallPlanItem.objects.get(customer=book.customers["elm"])
    item_update(actor=rep1, item=elm, changes={"scheduled_date": book.monday + timedelta(days=4)})
    factories.make_activity(book.customers["elm"], world.rep1, kind="call")

    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    assert CallPlanItem.objects.filter(pk=elm.pk, scheduled_date=book.monday + timedelta(days=4)).exists()


def test_a_plan_holds_only_the_reps_own_book(world: World, book: Book) -> None:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    assert "Hazel Hotel" not in _plan_names(world, book)
    assert "Foreign Tavern" not in _plan_names(world, book)


def test_a_weight_of_zero_turns_a_reason_off(world: World, book: Book) -> None:
    callplan_settings_update(actor=factories.actor(world.acme, world.admin), weights={"at_risk": 0})

    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    assert "Alder Bistro" not in _plan_names(world, book)


def test_admins_choose_the_metric_that_feeds_a_reason(world: World, book: Book) -> None:
    # Healthy customers as "due": Grove Grill (healthy, not due) comes in.
    admin = factories.actor(world.acme, world.admin)
    callplan_settings_update(actor=admin, metrics={"due_to_order": ["healthy_customer"]})

    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    names = _plan_names(world, book)
    assert "Grove Grill" in names


def test_settings_refuse_an_unknown_metric_naming_the_field(world: World, book: Book) -> None:
    admin = factories.actor(world.acme, world.admin)
    with pytest.raises(InvalidInput) as refused:
        callplan_settings_update(actor=admin, metrics={"at_risk": ["no_such_metric"]})
    assert refused.value.errors[0].field == "metrics.at_risk"


def test_only_admins_change_the_ranking(world: World, book: Book) -> None:
    with pytest.raises(Forbidden):
        callplan_settings_update(actor=factories.actor(world.acme, world.manager), weights={"at_risk": 1})


def test_max_items_caps_the_proposal(world: World, book: Book) -> None:
    callplan_settings_update(actor=factories.actor(world.acme, world.admin), max_items=3)

    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])

    assert _plan_names(world, book) == EXPECTED_ORDER[:3]


def test_the_job_generates_the_plan_and_tells_the_rep(world: World, book: Book) -> None:
    rep1 = factories.actor(world.acme, world.rep1)
    job = plan_generate_request(actor=rep1, monday=book.monday)

    run_plans()

    job.refresh_from_db()
    assert job.status == "completed", job.last_error
    assert _plan_names(world, book) == EXPECTED_ORDER
    note = Notification.objects.get(tenant=world.acme, user=world.rep1, kind="callplan.ready")
    assert note.url == f"/callplan/weeks/{book.week}/"


def test_the_scheduled_job_plans_everyone_with_a_book(world: World, book: Book) -> None:
    from leora.jobs.queue import job_enqueue

    job_enqueue(job_type="callplan_generate", tenant=world.acme, payload={"week_start": book.week})
    run_plans()

    owners = set(CallPlan.objects.filter(tenant=world.acme).values_list("user_id", flat=True))
    assert owners == {world.rep1.pk, world.rep2.pk}
    assert not CallPlan.objects.filter(tenant=world.other).exists()


def test_a_job_for_a_day_that_is_not_a_monday_fails_plainly(world: World, book: Book) -> None:
    from leora.jobs.queue import job_enqueue

    tuesday = book.monday + timedelta(days=1)
    job = job_enqueue(
        job_type="callplan_generate", tenant=world.acme, payload={"week_start": tuesday.isoformat()}
    )
    run_plans()

    job.refresh_from_db()
    assert job.status == "failed"
    assert "not a Monday" in job.last_error


def test_the_schedule_runs_mondays_at_six(world: World) -> None:
    from django.conf import settings

    schedule: list[dict[str, Any]] = list(settings.JOB_SCHEDULE)  # type: ignore[arg-type]
    entry = next(e for e in schedule if e["type"] == "callplan_generate")
    assert entry["cron"] == "0 6 * * 1" and entry["per_tenant"]
