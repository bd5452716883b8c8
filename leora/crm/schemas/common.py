from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator


class CustomerRef(Schema):
    """The customer a row hangs off, as shown inside that row."""

    id: int
    name: str
    account_number: str


def not_blank(value: str) -> str:
    """Strip ``value``; a blank one is a validation error."""
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def not_blank_or_none(value: str | None) -> str | None:
    """``not_blank`` for PATCH fields, where None means "not sent" and is checked elsewhere."""
    return None if value is None else not_blank(value)


def _to_cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


# Money in from the API, held to cents at once so "18" and "18.00" are the same value everywhere after.
Cents = Annotated[Decimal, AfterValidator(_to_cents)]
