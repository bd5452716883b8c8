"""The people of a tenant: who an actor may see, the admin's writes (add, edit, deactivate, reassign,
reset a password), and what a person changes on their own account (name, password).

A member is a ``Membership`` (role, manager) with its ``User`` (email, name, active flag). Rows are read
as memberships of the actor's tenant, so another tenant's user is simply absent (404). Admins see and
change everyone; a manager sees their team (themselves and the people reporting to them); a rep sees
only themselves. Every write is atomic and writes one audit event; bad input writes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from leora.crm.models import Customer
from leora.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from leora.tenancy.actors import Actor
from leora.tenancy.models import ApiToken, Membership, Role, Tenant, User
from leora.tenancy.services import audit_record

MEMBER_ORDERING = {"email", "full_name", "role", "is_active", "last_login", "date_joined", "customer_count"}
# Roles a person may report to: reps report to a manager, and anyone may report to an admin.
MANAGER_ROLES = (Role.MANAGER, Role.ADMIN)
GENERATED_PASSWORD_BYTES = 18


# ---------------------------------------------------------------------------------------------------------
# Selectors


def _customer_count(tenant: Tenant) -> Coalesce:
    per_rep = (
        Customer.objects.for_tenant(tenant)
        .filter(assigned_rep_id=OuterRef("user_id"))
        .order_by()
        .values("assigned_rep_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_rep, output_field=IntegerField()), Value(0))


def visible_members(actor: Actor) -> QuerySet[Membership]:
    """Return the memberships of the actor's tenant the actor may see: everyone for admins, a manager's
    team (themselves and their reports), a rep's own. Never another tenant's."""
    members = Membership.objects.filter(tenant_id=actor.tenant.pk)
    if not actor.is_admin:
        members = members.filter(user_id__in=actor.team_user_ids)
    return members


def member_list(
    *,
    actor: Actor,
    search: str | None = None,
    role: str | None = None,
    manager_id: int | None = None,
    is_active: bool | None = None,
) -> QuerySet[Membership]:
    """Return the members the actor may see, filtered, each annotated with ``email``, ``full_name``,
    ``is_active``, ``last_login``, ``date_joined`` and ``customer_count`` (in the same query).
    Ordering is left to the caller (``MEMBER_ORDERING`` names the sortable fields)."""
    members = (
        visible_members(actor)
        .select_related("user", "manager")
        .annotate(
            email=F("user__email"),
            full_name=F("user__full_name"),
            is_active=F("user__is_active"),
            last_login=F("user__last_login"),
            date_joined=F("user__date_joined"),
            customer_count=_customer_count(actor.tenant),
        )
    )
    if search and search.strip():
        term = search.strip()
        members = members.filter(Q(user__email__icontains=term) | Q(user__full_name__icontains=term))
    if role:
        members = members.filter(role=role)
    if manager_id is not None:
        members = members.filter(manager_id=manager_id)
    if is_active is not None:
        members = members.filter(user__is_active=is_active)
    return members


def member_get(*, actor: Actor, user_id: int) -> Membership:
    """Return one visible member (annotated like ``member_list``); anyone else answers NotFound."""
    member = member_list(actor=actor).filter(user_id=user_id).first()
    if member is None:
        raise NotFound("user not found")
    return member


def manager_choices(*, tenant: Tenant) -> QuerySet[User]:
    """Return the active managers and admins of ``tenant``, whom people may report to, by name."""
    ids = Membership.objects.filter(tenant_id=tenant.pk, role__in=MANAGER_ROLES).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")


def may_reassign(actor: Actor, from_user_id: int, to_user_id: int) -> bool:
    """Admins move any book; a manager moves books only between people of their own team."""
    return actor.is_admin or (actor.is_manager and {from_user_id, to_user_id} <= set(actor.team_user_ids))


# ---------------------------------------------------------------------------------------------------------
# Services


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


def _require_admin(actor: Actor | None) -> None:
    if actor is not None and not actor.is_admin:
        raise Forbidden("only an admin manages the people of a tenant")


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


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        messages = [str(message) for message in exc.messages]
        raise InvalidInput(" ".join(messages), [FieldError(field, m) for m in messages]) from None


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
    _require_admin(actor)
    if actor is not None and actor.tenant.pk != tenant.pk:
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
        _check_password(password, user)
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
    them stay assigned (move them with ``member_reassign_customers``). A change that would leave the
    tenant without an active admin is a 409. Returns the member and how many tokens were revoked.
    """
    _require_admin(actor)
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


@dataclass(frozen=True)
class Reassignment:
    from_user: User
    to_user: User
    moved: int


@transaction.atomic
def member_reassign_customers(*, actor: Actor, from_member: Membership, to_user_id: int) -> Reassignment:
    """Move every customer assigned to ``from_member`` to ``to_user_id`` in one update (admins, or a
    manager of both people). Returns who and how many; moving none writes no audit event."""
    if actor.is_rep:
        raise Forbidden("only an admin or their manager moves a rep's customers")
    if from_member.tenant_id != actor.tenant.pk:
        raise NotFound("user not found")
    target = (
        Membership.objects.select_related("user")
        .filter(tenant_id=actor.tenant.pk, user_id=to_user_id)
        .first()
    )
    if target is None:
        raise InvalidInput.on("to_user_id", f"no user with id {to_user_id} in this tenant")
    if target.user_id == from_member.user_id:
        raise InvalidInput.on("to_user_id", "choose someone other than the current owner")
    if not target.user.is_active:
        raise InvalidInput.on("to_user_id", f"{target.user.email} is deactivated")
    if not may_reassign(actor, from_member.user_id, target.user_id):
        raise Forbidden(f"you cannot move customers to {target.user.email}: they are outside your team")
    moved = (
        Customer.objects.for_tenant(actor.tenant)
        .filter(assigned_rep_id=from_member.user_id)
        .update(assigned_rep_id=target.user_id, updated_at=timezone.now())
    )
    if moved:
        audit_record(
            tenant=actor.tenant,
            actor=actor.user,
            action="user.reassign_customers",
            obj=from_member.user,
            before={"assigned_rep_id": from_member.user_id},
            after={"assigned_rep_id": target.user_id, "customers_moved": moved},
        )
    return Reassignment(from_user=from_member.user, to_user=target.user, moved=moved)


# ---------------------------------------------------------------------------------------------------------
# A person's own account, and an admin's password reset


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
    _check_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The event says that it happened and who did it; the password, even hashed, stays out of the trail.
    audit_record(tenant=actor.tenant, actor=user, action="user.password_change", obj=user)
    return user


@dataclass(frozen=True)
class PasswordReset:
    membership: Membership
    # The generated password, shown once; None when the admin chose one.
    new_password: str | None


@transaction.atomic
def member_password_reset(
    *, actor: Actor, membership: Membership, password: str | None = None
) -> PasswordReset:
    """Give a member of the actor's tenant a new password (admins): ``password`` when given and
    allowed by the password rules, else a generated one, returned once. The person's sign-ins end;
    their API tokens keep working (deactivate them, or revoke tokens, to stop those)."""
    _require_admin(actor)
    if membership.tenant_id != actor.tenant.pk:
        raise NotFound("user not found")
    user = membership.user
    if Membership.objects.filter(user_id=user.pk).exclude(tenant_id=actor.tenant.pk).exists():
        message = f"{user.email} also belongs to another tenant; their password cannot be reset from here"
        raise Conflict(message, [FieldError("password", message)])
    generated = None
    if password is None:
        generated = password = generate_password()
    else:
        _check_password(password, user)
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
