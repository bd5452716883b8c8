"""What a person changes on their own account: their name and their password (with the current one)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from leora.errors import FieldError, InvalidInput
from leora.tenancy.actors import Actor
from leora.tenancy.models import User
from leora.tenancy.services.audit import audit_record


def password_rules_check(*, password: str, user: User, field: str = "password") -> None:
    """Raise a 422 on ``field`` naming every password rule ``password`` breaks for ``user``; returns
    nothing when it passes."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        messages = [str(message) for message in exc.messages]
        raise InvalidInput(" ".join(messages), [FieldError(field, m) for m in messages]) from None


@transaction.atomic
def user_profile_update(*, actor: Actor, full_name: str) -> User:
    """Change the actor's own full name; returns the user. Saving the same name writes nothing."""
    user = actor.user
    user.refresh_from_db(fields=["full_name"])
    full_name = full_name.strip()
    if full_name == user.full_name:
        return user
    before = {"full_name": user.full_name}
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    audit_record(
        tenant=actor.tenant,
        actor=user,
        action="user.update",
        obj=user,
        before=before,
        after={"full_name": full_name},
    )
    return user


@transaction.atomic
def user_password_change(*, actor: Actor, current_password: str, new_password: str) -> User:
    """Set the actor's own password after checking the current one and the password rules.

    Returns the user. Every other sign-in of theirs ends, because a session remembers a hash of the
    password it started with; the caller keeps its own alive with ``update_session_auth_hash``.
    """
    user = actor.user
    user.refresh_from_db(fields=["password"])
    if not user.check_password(current_password):
        raise InvalidInput.on("current_password", "your current password is not right")
    password_rules_check(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The event says that it happened and who did it; the password, even hashed, stays out of the trail.
    audit_record(tenant=actor.tenant, actor=user, action="user.password_change", obj=user)
    return user
