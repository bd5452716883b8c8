"""The people of a tenant as ``/api/users`` reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator

from leora.pagination import ListParams
from leora.schema_types import EmailAddress, UserRef
from leora.tenancy.models import Role

CHOSEN_OR_GENERATED_HELP = "checked by the password rules; generated and returned when omitted"
SHOWN_ONCE_HELP = "the generated password when none was given; shown once, never again"


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
    initial_password: str | None = Field(None, description=SHOWN_ONCE_HELP)


class MemberIn(Schema):
    email: Annotated[EmailAddress, AfterValidator(str.lower)] = Field(..., max_length=254)
    full_name: str = Field("", max_length=200)
    role: Role
    manager_id: int | None = Field(None, description="a manager or admin of this tenant")
    password: str | None = Field(None, max_length=128, description=CHOSEN_OR_GENERATED_HELP)


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
    password: str | None = Field(None, max_length=128, description=CHOSEN_OR_GENERATED_HELP)


class PasswordResetOut(MemberOut):
    initial_password: str | None = Field(None, description=SHOWN_ONCE_HELP)


class ReassignIn(Schema):
    to_user_id: int


class ReassignOut(Schema):
    from_user: UserRef
    to_user: UserRef
    moved: int = Field(..., description="how many customers changed hands")
