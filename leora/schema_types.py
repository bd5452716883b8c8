"""Field types shared by the API schemas of every app."""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import AfterValidator

from leora.errors import FieldError, InvalidInput


def _valid_email(value: str) -> str:
    # Django's own check, the one the database columns are held to: pydantic's EmailStr refuses reserved
    # domains (.test) that private installs and demos use.
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError("enter a valid email address") from None
    return value


EmailAddress = Annotated[str, AfterValidator(_valid_email)]


class UserRef(Schema):
    """A person a row names (its rep, assignee or author), as shown inside that row."""

    id: int
    email: str
    name: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(getattr(obj, "display_name", ""))


def patch_changes(payload: Schema, nullable: set[str] = frozenset()) -> dict[str, object]:  # type: ignore[assignment]
    """The fields a PATCH body set; ``null`` is accepted only for the ``nullable`` ones (422 otherwise)."""

    changes = payload.model_dump(exclude_unset=True)
    nulls = [name for name, value in changes.items() if value is None and name not in nullable]
    if nulls:
        raise InvalidInput(
            f"{', '.join(nulls)} cannot be null", [FieldError(name, "cannot be null") for name in nulls]
        )
    return changes
