"""Writes of the people of a tenant, by its admins: add, edit or deactivate someone, reset a password.

Every write is atomic and writes one audit event; bad input writes nothing. Moving a person's
customers to someone else belongs to the CRM (``customers_reassign``), since customers are its rows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from leora.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import ApiToken, Membership, Role, Tenant, User
from leora.tenancy.selectors.members import MANAGER_ROLES
from leora.tenancy.services.account import password_rules_check
from leora.tenancy.services.audit import audit_record

GENERATED_PASSWORD_BYTES = 18
ADMINS_ONLY = "only an admin manages the people of a tenant"
OWN_RESET_REFUSAL = (
    "you cannot reset your own password here: change it on your account page, with your current one"
)


def _snapshot(membership: Membership) -> dict[str, Any]:
    user = membership.user
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": membership.role,
        "manager_id": membership.manager_id,
        "is_active": user.is_active,
    }


def _lock_tenant(tenant: Tenant) -> None:
    # Membership changes of one tenant queue on the tenant row, so two admins demoting each other at the
    # same moment cannot both pass the last-active-admin check.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput.on("role", f"{role!r} is not a role; choose one of {', '.join(Role.values)}")


def _manager_for(*, tenant: Tenant, manager_id: int | None, member_user_id: int | None = None) -> User | None:
    """Return the user ``manager_id`` names, or a 422 on manager_id when they cannot lead anyone here."""
    if manager_id is None:
        return None
    if manager_id == member_user_id:
        raise InvalidInput.on("manager_id", "a person cannot report to themselves")
    membership = (
        Membership.objects.select_related("user").filter(tenant_id=tenant.pk, user_id=manager_id).first()
    )
    if membership is None:
        raise InvalidInput.on("manager_id", f"no user with id {manager_id} in this tenant")
    if membership.role not in MANAGER_ROLES:
        raise InvalidInput.on("manager_id", f"{membership.user.email} is not a manager or an admin")
    if not membership.user.is_active:
        raise InvalidInput.on("manager_id", f"{membership.user.email} is deactivated")
    return membership.user


def _email_taken(email: str, tenant: Tenant) -> Conflict:
    member = Membership.objects.filter(tenant_id=tenant.pk, user__email__iexact=email).exists()
    # Whether the address belongs to someone in another tenant is not this tenant's business to learn.
    message = f"{email} is already a member of this team" if member else f"{email} is already in use"
    return Conflict(message, [FieldError("email", message)])


def generate_password() -> str:
    """Return a random password of about 144 bits, safe to show once and type from a screen."""
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


@dataclass(frozen=True)
class CreatedMember:
    membership: Membership
    # The generated password, shown once; None when the admin chose one.
    initial_password: str | None


@transaction.atomic
def member_create(
    *,
    actor: Actor | None,
    tenant: Tenant,
    email: str,
    role: str,
    full_name: str = "",
    manager_id: int | None = None,
    password: str | None = None,
) -> CreatedMember:
    """Add a person to ``tenant`` with ``role``. ``actor`` is the admin doing it, or None for the command
    line. Returns the membership and, when no password was given, the generated one (shown once)."""
    if actor is not None:
        require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
        if actor.tenant.pk != tenant.pk:
            raise Forbidden("an admin adds people to their own tenant only")
    _check_role(role)
    email = User.objects.normalize_email(email).strip().lower()
    full_name = full_name.strip()
    if User.objects.filter(email__iexact=email).exists():
        raise _email_taken(email, tenant)
    manager = _manager_for(tenant=tenant, manager_id=manager_id)
    user = User(email=email, full_name=full_name)
    generated = None
    if password is None:
        generated = password = generate_password()
    else:
        password_rules_check(password=password, user=user)
    user.set_password(password)
    try:
        # A concurrent request may have taken the address since the check above; the unique index decides.
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        raise _email_taken(email, tenant) from None
    membership = Membership.objects.create(tenant=tenant, user=user, role=role, manager=manager)
    audit_record(
        tenant=tenant,
        actor=actor.user if actor else None,
        action="user.create",
        obj=user,
        after=_snapshot(membership),
    )
    return CreatedMember(membership=membership, initial_password=generated)


def _active_admins_besides(tenant: Tenant, user_id: int) -> int:
    return (
        Membership.objects.filter(tenant_id=tenant.pk, role=Role.ADMIN, user__is_active=True)
        .exclude(user_id=user_id)
        .count()
    )


@dataclass(frozen=True)
class MemberChange:
    membership: Membership
    revoked_tokens: int


@transaction.atomic
def member_update(*, actor: Actor, membership: Membership, changes: dict[str, Any]) -> MemberChange:
    """Apply ``changes`` (full_name, role, manager_id, is_active) to a member of the actor's tenant.

    Deactivating someone revokes their API tokens and ends their sign-ins; the customers assigned to
    them stay assigned (the CRM's ``customers_reassign`` moves them). A change that would leave the
    tenant without an active admin is a 409. Returns the member and how many tokens were revoked.
    """
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    if membership.tenant_id != actor.tenant.pk:
        raise NotFound("user not found")
    _lock_tenant(actor.tenant)
    user = membership.user
    user.refresh_from_db(fields=["full_name", "is_active"])
    membership.refresh_from_db(fields=["role", "manager"])
    before = _snapshot(membership)

    if "full_name" in changes:
        user.full_name = str(changes["full_name"]).strip()
    if "manager_id" in changes:
        manager = _manager_for(tenant=actor.tenant, manager_id=changes["manager_id"], member_user_id=user.pk)
        membership.manager = manager
    if "role" in changes:
        _check_role(changes["role"])
        membership.role = changes["role"]
    if "is_active" in changes:
        user.is_active = bool(changes["is_active"])

    after = _snapshot(membership)
    if after == before:
        return MemberChange(membership=membership, revoked_tokens=0)

    was_admin = before["role"] == Role.ADMIN and before["is_active"]
    still_admin = after["role"] == Role.ADMIN and after["is_active"]
    if was_admin and not still_admin and _active_admins_besides(actor.tenant, user.pk) == 0:
        field = "role" if after["role"] != Role.ADMIN else "is_active"
        message = f"{user.email} is the last active admin of this tenant; make someone else an admin first"
        raise Conflict(message, [FieldError(field, message)])
    if before["role"] != after["role"] and after["role"] == Role.SALES_REP:
        reports = Membership.objects.filter(tenant_id=actor.tenant.pk, manager_id=user.pk).count()
        if reports:
            message = (
                f"{user.email} still leads {reports} {'person' if reports == 1 else 'people'}; "
                "give them another manager first"
            )
            raise Conflict(message, [FieldError("role", message)])
    if before["is_active"] and not after["is_active"]:
        others = Membership.objects.filter(user_id=user.pk).exclude(tenant_id=actor.tenant.pk)
        if others.exists():
            message = f"{user.email} also belongs to another tenant; their account cannot be closed from here"
            raise Conflict(message, [FieldError("is_active", message)])

    user.save(update_fields=["full_name", "is_active"])
    membership.save(update_fields=["role", "manager"])
    revoked = 0
    if before["is_active"] and not after["is_active"]:
        revoked = ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        after = {**after, "api_tokens_revoked": revoked}
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="user.update", obj=user, before=before, after=after
    )
    return MemberChange(membership=membership, revoked_tokens=revoked)


def may_reset_password(*, actor: Actor, user_id: int) -> bool:
    """Return whether the actor may give ``user_id`` a new password: an admin may, for anyone but
    themselves (their own is changed on the account page with the current one, which keeps them signed
    in). ``member_password_reset`` enforces it; pages use it to decide what to offer."""
    return actor.is_admin and user_id != actor.user.pk


@dataclass(frozen=True)
class PasswordReset:
    membership: Membership
    # The generated password, shown once; None when the admin chose one.
    new_password: str | None


@transaction.atomic
def member_password_reset(
    *, actor: Actor, membership: Membership, password: str | None = None
) -> PasswordReset:
    """Give a member of the actor's tenant a new password (admins, for anyone but themselves):
    ``password`` when given and allowed by the password rules, else a generated one, returned once. The
    person's sign-ins end; their API tokens keep working (deactivate them, or revoke tokens, to stop
    those). Resetting one's own password is a 403: it is changed with the current one instead."""
    require_role(actor, Role.ADMIN, message=ADMINS_ONLY)
    if membership.tenant_id != actor.tenant.pk:
        raise NotFound("user not found")
    if not may_reset_password(actor=actor, user_id=membership.user_id):
        raise Forbidden(OWN_RESET_REFUSAL)
    user = membership.user
    if Membership.objects.filter(user_id=user.pk).exclude(tenant_id=actor.tenant.pk).exists():
        message = f"{user.email} also belongs to another tenant; their password cannot be reset from here"
        raise Conflict(message, [FieldError("password", message)])
    generated = None
    if password is None:
        generated = password = generate_password()
    else:
        password_rules_check(password=password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        tenant=actor.tenant,
        actor=actor.user,
        action="user.password_reset",
        obj=user,
        after={"generated": generated is not None},
    )
    return PasswordReset(membership=membership, new_password=generated)
