"""The people of a tenant: `/api/users` (list, get, add, edit, deactivate, reassign their customers,
reset a password)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from leora.crm.services.books import customers_reassign
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.team.schemas import (
    MemberCreatedOut,
    MemberFilters,
    MemberIn,
    MemberOut,
    MemberPatch,
    PasswordResetIn,
    PasswordResetOut,
    ReassignIn,
    ReassignOut,
)
from leora.team.selectors import TEAM_MEMBER_ORDERING, team_member_get, team_member_list
from leora.tenancy.auth import actor_of
from leora.tenancy.services.members import member_create, member_password_reset, member_update

router = Router()


@router.get("", response=page_of(MemberOut), summary="List the people of the tenant")
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> dict[str, Any]:
    """Admins see everyone; a manager sees themselves and the people reporting to them; a rep sees only
    themselves."""
    members = team_member_list(
        actor=actor_of(request),
        search=filters.search,
        role=filters.role,
        manager_id=filters.manager_id,
        is_active=filters.is_active,
    )
    return paginate(apply_ordering(members, filters.ordering, TEAM_MEMBER_ORDERING, "email"), filters)


@router.post("", response={201: MemberCreatedOut}, summary="Add a person (admins)")
def create_member(request: HttpRequest, response: HttpResponse, payload: MemberIn) -> Status[Any]:
    actor = actor_of(request)
    # The answer may carry a password: no cache along the way may keep it.
    response["Cache-Control"] = "no-store"
    created = member_create(
        actor=actor,
        tenant=actor.tenant,
        email=payload.email,
        full_name=payload.full_name,
        role=payload.role,
        manager_id=payload.manager_id,
        password=payload.password,
    )
    member = team_member_get(actor=actor, user_id=created.membership.user_id)
    member.initial_password = created.initial_password  # type: ignore[attr-defined]
    return Status(201, member)


@router.get("/{user_id}", response=MemberOut, summary="Get one person")
def get_member(request: HttpRequest, user_id: int) -> Any:
    return team_member_get(actor=actor_of(request), user_id=user_id)


@router.patch(
    "/{user_id}",
    response=MemberOut,
    summary="Edit a person's name, role, manager or active flag (admins)",
    description="Deactivating someone (`is_active: false`) ends their sign-ins and revokes their API "
    "tokens. Their customers stay assigned to them: move them with "
    "`POST /api/users/{id}/reassign-customers`.",
)
def update_member(request: HttpRequest, user_id: int, payload: MemberPatch) -> Any:
    actor = actor_of(request)
    member = team_member_get(actor=actor, user_id=user_id)
    changes = patch_changes(payload, nullable={"manager_id"})
    member_update(actor=actor, membership=member, changes=changes)
    return team_member_get(actor=actor, user_id=user_id)


@router.post(
    "/{user_id}/reassign-customers",
    response=ReassignOut,
    summary="Move all of a person's customers to someone else (admins, or the manager of both)",
)
def reassign_customers(request: HttpRequest, user_id: int, payload: ReassignIn) -> Any:
    return customers_reassign(actor=actor_of(request), from_user_id=user_id, to_user_id=payload.to_user_id)


@router.post(
    "/{user_id}/reset-password",
    response=PasswordResetOut,
    summary="Give a person a new password (admins)",
    description="Without a body (or with `{}`) a password is generated and returned once as "
    "`initial_password`. The person's signed-in sessions end; their API tokens keep working. An admin's "
    "own password is refused here (403): they change it on their account page, with the current one.",
)
def reset_password(
    request: HttpRequest, response: HttpResponse, user_id: int, payload: PasswordResetIn | None = None
) -> Any:
    actor = actor_of(request)
    # The answer may carry a password: no cache along the way may keep it.
    response["Cache-Control"] = "no-store"
    member = team_member_get(actor=actor, user_id=user_id)
    reset = member_password_reset(
        actor=actor, membership=member, password=payload.password if payload else None
    )
    member.initial_password = reset.new_password  # type: ignore[attr-defined]
    return member
