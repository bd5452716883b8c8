"""The people of a tenant: `/api/users` (list, get, add, edit, deactivate, reassign their customers,
reset a password)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from leora.pagination import ListParams, apply_ordering, page_of, paginate
from leora.schema_types import EmailAddress, UserRef, patch_changes
from leora.tenancy.auth import actor_of
from leora.tenancy.models import Role
from leora.tenancy.users import (
    MEMBER_ORDERING,
    member_create,
    member_get,
    member_list,
    member_password_reset,
    member_reassign_customers,
    member_update,
)

router = Router()


class MemberOut(Schema):
    id: int = Field(..., description="the user's id")
    email: str
    full_name: str
    role: Role
    manager: UserRef | None
    is_active: bool
    last_login: datetime | None
    date_joined: datetime
    customer_count: int = Field(..., description="customers assigned to this person")

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.user_id)


class MemberCreatedOut(MemberOut):
    initial_password: str | None = Field(
        None, description="the generated password when none was given; shown once, never again"
    )


class MemberIn(Schema):
    email: Annotated[EmailAddress, AfterValidator(str.lower)] = Field(..., max_length=254)
    full_name: str = Field("", max_length=200)
    role: Role
    manager_id: int | None = Field(None, description="a manager or admin of this tenant")
    password: str | None = Field(
        None, max_length=128, description="checked by the password rules; generated and returned when omitted"
    )


class MemberPatch(Schema):
    full_name: str | None = Field(None, max_length=200)
    role: Role | None = None
    manager_id: int | None = Field(None, description="null removes the manager")
    is_active: bool | None = Field(
        None, description="false signs them out and revokes their API tokens; their customers stay assigned"
    )


class MemberFilters(ListParams):
    role: Role | None = None
    manager_id: int | None = None
    is_active: bool | None = None


class PasswordResetIn(Schema):
    password: str | None = Field(
        None, max_length=128, description="checked by the password rules; generated and returned when omitted"
    )


class PasswordResetOut(MemberOut):
    initial_password: str | None = Field(
        None, description="the generated password when none was given; shown once, never again"
    )


class ReassignIn(Schema):
    to_user_id: int


class ReassignOut(Schema):
    from_user: UserRef
    to_user: UserRef
    moved: int = Field(..., description="how many customers changed hands")


@router.get("", response=page_of(MemberOut), summary="List the people of the tenant")
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> dict[str, Any]:
    """Admins see everyone; a manager sees themselves and the people reporting to them; a rep sees only
    themselves."""
    members = member_list(
        actor=actor_of(request),
        search=filters.search,
        role=filters.role,
        manager_id=filters.manager_id,
        is_active=filters.is_active,
    )
    return paginate(apply_ordering(members, filters.ordering, MEMBER_ORDERING, "email"), filters)


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
    member = member_get(actor=actor, user_id=created.membership.user_id)
    member.initial_password = created.initial_password  # type: ignore[attr-defined]
    return Status(201, member)


@router.get("/{user_id}", response=MemberOut, summary="Get one person")
def get_member(request: HttpRequest, user_id: int) -> Any:
    return member_get(actor=actor_of(request), user_id=user_id)


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
    member = member_get(actor=actor, user_id=user_id)
    changes = patch_changes(payload, nullable={"manager_id"})
    member_update(actor=actor, membership=member, changes=changes)
    return member_get(actor=actor, user_id=user_id)


@router.post(
    "/{user_id}/reassign-customers",
    response=ReassignOut,
    summary="Move all of a person's customers to someone else (admins, or the manager of both)",
)
def reassign_customers(request: HttpRequest, user_id: int, payload: ReassignIn) -> Any:
    actor = actor_of(request)
    member = member_get(actor=actor, user_id=user_id)
    return member_reassign_customers(actor=actor, from_member=member, to_user_id=payload.to_user_id)


@router.post(
    "/{user_id}/reset-password",
    response=PasswordResetOut,
    summary="Give a person a new password (admins)",
    description="Without a body (or with `{}`) a password is generated and returned once as "
    "`initial_password`. The person's signed-in sessions end; their API tokens keep working.",
)
def reset_password(
    request: HttpRequest, response: HttpResponse, user_id: int, payload: PasswordResetIn | None = None
) -> Any:
    actor = actor_of(request)
    # The answer may carry a password: no cache along the way may keep it.
    response["Cache-Control"] = "no-store"
    member = member_get(actor=actor, user_id=user_id)
    reset = member_password_reset(
        actor=actor, membership=member, password=payload.password if payload else None
    )
    member.initial_password = reset.new_password  # type: ignore[attr-defined]
    return member
