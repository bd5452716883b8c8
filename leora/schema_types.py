"""Field types shared by the API schemas of every app."""

from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import AfterValidator, BaseModel
from pydantic import ValidationError as PydanticValidationError

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


M = TypeVar("M", bound=BaseModel)


def validated(schema: type[M], data: dict[str, Any] | None, *, field: str, what: str) -> M:
    """Return ``data`` validated by ``schema``, or a 422 naming each failing key as ``<field>.<key>``
    (``config.limit``) with ``what`` ("config for top_products") in the detail."""
    try:
        return schema.model_validate(data or {})
    except PydanticValidationError as exc:
        errors = [FieldError(".".join([field, *(str(p) for p in e["loc"])]), e["msg"]) for e in exc.errors()]
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        raise InvalidInput(f"invalid {what}: {detail}", errors) from None
