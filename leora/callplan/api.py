"""The call plan API: a week's plan, generating it, shaping its items, completing stops, the team's week."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from leora.callplan.reasons import ranking_of
from leora.callplan.schemas import (
    GenerateOut,
    PlanItemAdd,
    PlanItemComplete,
    PlanItemOut,
    PlanItemPatch,
    PlanOut,
    RankingOut,
    RankingPatch,
    RepSettingsOut,
    RepSettingsPatch,
    TeamOut,
)
from leora.callplan.selectors import (
    item_get,
    parse_week,
    plan_get,
    plan_items,
    plan_person,
    plan_totals,
    rep_settings,
)
from leora.callplan.services import (
    callplan_settings_update,
    item_add,
    item_complete,
    item_update,
    plan_generate_request,
    rep_settings_update,
)
from leora.callplan.team import team_week
from leora.schema_types import patch_changes
from leora.tenancy.actors import Actor
from leora.tenancy.auth import actor_of
from leora.tenancy.models import User

router = Router()


def plan_payload(actor: Actor, person: User, week: str) -> dict[str, Any]:
    """The plan of ``person`` for ``week`` as PlanOut, empty before it was ever generated."""
    monday = parse_week(week)
    plan = plan_get(actor=actor, user=person, monday=monday)
    items = plan_items(actor=actor, plan=plan) if plan is not None else []
    return {
        "week_start": monday,
        "user": person,
        "generated_at": plan.generated_at if plan else None,
        "evaluated_on": plan.evaluated_on if plan else None,
        "daily_capacity": rep_settings(actor=actor, user=person).daily_capacity,
        "totals": plan_totals(actor=actor, user=person, monday=monday, items=items),
        "items": items,
    }


@router.get("/weeks/{week}", response=PlanOut, summary="A week's plan: yours, or ?user_id= a team member's")
def get_week(request: HttpRequest, week: str, user_id: int | None = None) -> dict[str, Any]:
    actor = actor_of(request)
    return plan_payload(actor, plan_person(actor=actor, user_id=user_id), week)


@router.post(
    "/weeks/{week}/generate", response={202: GenerateOut}, summary="Generate (or refresh) a week's plan"
)
def generate_week(request: HttpRequest, week: str, user_id: int | None = None) -> Status[Any]:
    actor = actor_of(request)
    job = plan_generate_request(actor=actor, monday=parse_week(week), user_id=user_id)
    return Status(202, {"job_id": job.pk, "status": job.status})


@router.post(
    "/weeks/{week}/items", response={201: PlanItemOut}, summary="A manager adds an account to a rep's plan"
)
def add_item(request: HttpRequest, week: str, payload: PlanItemAdd) -> Status[Any]:
    actor = actor_of(request)
    item = item_add(
        actor=actor, monday=parse_week(week), user_id=payload.user_id, customer_id=payload.customer_id,
        note=payload.note,
    )  # fmt: skip
    return Status(201, item)


@router.patch(
    "/items/{item_id}", response=PlanItemOut, summary="Schedule, move, reorder, change or remove a stop"
)
def patch_item(request: HttpRequest, item_id: int, payload: PlanItemPatch) -> Any:
    actor = actor_of(request)
    changes = patch_changes(payload, nullable={"scheduled_date", "scheduled_time"})
    return item_update(actor=actor, item=item_get(actor=actor, item_id=item_id), changes=changes)


@router.post(
    "/items/{item_id}/complete", response=PlanItemOut, summary="Complete a stop and log its activity"
)
def complete_item(request: HttpRequest, item_id: int, payload: PlanItemComplete) -> Any:
    actor = actor_of(request)
    return item_complete(
        actor=actor, item=item_get(actor=actor, item_id=item_id), outcome=payload.outcome,
        occurred_at=payload.occurred_at, kind=payload.kind,
    )  # fmt: skip


@router.get("/team/{week}", response=TeamOut, summary="Managers: each rep's plan and coverage this week")
def get_team(request: HttpRequest, week: str) -> dict[str, Any]:
    actor = actor_of(request)
    return team_week(actor=actor, monday=parse_week(week))


def _ranking(actor: Actor) -> dict[str, Any]:
    ranking = ranking_of(actor.tenant)
    return {
        "reasons": [{**reason.__dict__, "metrics": list(reason.metrics)} for reason in ranking.reasons],
        "max_items": ranking.max_items,
    }


@router.get("/settings", response=RankingOut, summary="The tenant's ranking: weights and metrics per reason")
def get_settings(request: HttpRequest) -> dict[str, Any]:
    return _ranking(actor_of(request))


@router.patch("/settings", response=RankingOut, summary="Admins change the ranking")
def patch_settings(request: HttpRequest, payload: RankingPatch) -> dict[str, Any]:
    actor = actor_of(request)
    callplan_settings_update(
        actor=actor, weights=payload.weights, metrics=payload.metrics, max_items=payload.max_items
    )
    return _ranking(actor)


def _rep_settings(actor: Actor, person: User) -> dict[str, Any]:
    stored = rep_settings(actor=actor, user=person)
    return {
        "user_id": person.pk,
        "daily_capacity": stored.daily_capacity,
        "start_label": stored.start_label,
        "start_latitude": stored.start_latitude,
        "start_longitude": stored.start_longitude,
    }


@router.get("/people/{user_id}/settings", response=RepSettingsOut, summary="A person's capacity and start")
def get_rep_settings(request: HttpRequest, user_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return _rep_settings(actor, plan_person(actor=actor, user_id=user_id))


@router.patch("/people/{user_id}/settings", response=RepSettingsOut, summary="Change a capacity or start")
def patch_rep_settings(request: HttpRequest, user_id: int, payload: RepSettingsPatch) -> dict[str, Any]:
    actor = actor_of(request)
    changes = patch_changes(payload, nullable={"start_latitude", "start_longitude"})
    rep_settings_update(actor=actor, user_id=user_id, changes=changes)
    return _rep_settings(actor, plan_person(actor=actor, user_id=user_id))
