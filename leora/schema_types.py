"""Field types shared by the API schemas of every app."""

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator


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
