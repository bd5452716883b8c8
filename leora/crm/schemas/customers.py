from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import field_validator

from leora.crm.models import AccountType, CustomerStatus, LicenceType
from leora.pagination import ListParams
from leora.schema_types import EmailAddress, UserRef


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


class CustomerOut(Schema):
    id: int
    name: str
    account_number: str
    account_type: AccountType
    status: CustomerStatus
    assigned_rep: UserRef | None
    territory: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    email: str
    licence_number: str
    licence_type: str
    notes: str
    latitude: Decimal | None
    longitude: Decimal | None
    created_at: datetime
    updated_at: datetime


class CustomerIn(Schema):
    name: str = Field(..., max_length=200)
    account_number: str | None = Field(None, max_length=40, description="generated when omitted")
    account_type: AccountType = AccountType.PROSPECT
    status: CustomerStatus = CustomerStatus.ACTIVE
    assigned_rep_id: int | None = Field(None, description="defaults to the creating rep")
    territory: str = Field("", max_length=100)
    street: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country: str = Field("US", max_length=2)
    phone: str = Field("", max_length=40)
    email: EmailAddress | None = None
    licence_number: str = Field("", max_length=40)
    licence_type: LicenceType = LicenceType.NONE
    notes: str = ""
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)

    _name_not_blank = field_validator("name")(_not_blank)


class CustomerPatch(Schema):
    name: str | None = Field(None, max_length=200)
    account_number: str | None = Field(None, min_length=1, max_length=40)
    account_type: AccountType | None = None
    status: CustomerStatus | None = None
    assigned_rep_id: int | None = None
    territory: str | None = Field(None, max_length=100)
    street: str | None = Field(None, max_length=200)
    city: str | None = Field(None, max_length=100)
    region: str | None = Field(None, max_length=100)
    postal_code: str | None = Field(None, max_length=20)
    country: str | None = Field(None, max_length=2)
    phone: str | None = Field(None, max_length=40)
    email: EmailAddress | None = None
    licence_number: str | None = Field(None, max_length=40)
    licence_type: LicenceType | None = None
    notes: str | None = None
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str | None) -> str | None:
        return None if value is None else _not_blank(value)


class CustomerFilters(ListParams):
    account_type: AccountType | None = None
    status: CustomerStatus | None = None
    assigned_rep_id: int | None = None
    territory: str | None = None
