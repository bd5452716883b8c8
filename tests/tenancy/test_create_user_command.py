from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from leora.tenancy.models import AuditEvent, Membership, Role, Tenant, User
from tests.conftest import World

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_user", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_adds_a_rep_under_a_manager_and_prints_the_generated_password(
    world: World, client: Client
) -> None:
    out, err = run(
        "--tenant", "acme", "--email", "Dana@Acme.test", "--role", "sales_rep",
        "--manager", "manager@acme.test", "--name", "Dana Reyes",
    )  # fmt: skip
    password = out.strip().splitlines()[-1]
    membership = Membership.objects.select_related("user").get(user__email="dana@acme.test")
    assert (membership.tenant, membership.role, membership.manager) == (
        world.acme,
        Role.SALES_REP,
        world.manager,
    )
    assert membership.user.full_name == "Dana Reyes"
    assert client.login(username="dana@acme.test", password=password)
    assert "shown once" in err
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="user.create")
    assert audit.actor is None


def test_a_given_password_is_used_and_not_printed(world: World) -> None:
    out, _ = run(
        "--tenant", "acme", "--email", "m@acme.test", "--role", "manager", "--password", "vintage-cellar-42"
    )
    assert out == ""
    assert User.objects.get(email="m@acme.test").check_password("vintage-cellar-42")


def test_create_tenant_bootstraps_a_fresh_install(db: Any, client: Client) -> None:
    out, err = run(
        "--tenant", "northwind", "--create-tenant", "Northwind Wines", "--timezone", "America/Chicago",
        "--currency", "eur", "--email", "owner@northwind.test", "--role", "admin",
    )  # fmt: skip
    tenant = Tenant.objects.get(slug="northwind")
    assert (tenant.name, tenant.timezone, tenant.currency) == ("Northwind Wines", "America/Chicago", "EUR")
    assert Membership.objects.get(user__email="owner@northwind.test").role == Role.ADMIN
    assert client.login(username="owner@northwind.test", password=out.strip().splitlines()[-1])
    assert "Created tenant" in err


def test_create_tenant_reuses_an_existing_tenant(world: World) -> None:
    run("--tenant", "acme", "--create-tenant", "Ignored", "--email", "x@acme.test", "--role", "sales_rep")
    assert Tenant.objects.filter(slug="acme").count() == 1
    assert Membership.objects.get(user__email="x@acme.test").tenant == world.acme


def test_an_unknown_tenant_says_how_to_create_it(db: Any) -> None:
    with pytest.raises(CommandError, match=r"no tenant with slug 'nowhere'; add --create-tenant"):
        run("--tenant", "nowhere", "--email", "a@b.test", "--role", "admin")


def test_a_bad_time_zone_is_refused_and_nothing_is_created(db: Any) -> None:
    with pytest.raises(CommandError, match="not a known time zone"):
        run(
            "--tenant",
            "t",
            "--create-tenant",
            "T",
            "--timezone",
            "Mars/Base",
            "--email",
            "a@b.test",
            "--role",
            "admin",
        )
    assert not Tenant.objects.exists()


def test_a_failed_user_rolls_back_the_new_tenant(db: Any) -> None:
    with pytest.raises(CommandError, match="password"):
        run(
            "--tenant",
            "t",
            "--create-tenant",
            "T",
            "--email",
            "a@b.test",
            "--role",
            "admin",
            "--password",
            "123",
        )
    assert not Tenant.objects.exists() and not User.objects.exists()


def test_an_email_already_in_use_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match=r"rep@other\.test is already in use"):
        run("--tenant", "acme", "--email", "rep@other.test", "--role", "sales_rep")


def test_a_manager_who_is_a_rep_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match=r"rep1@acme\.test is a sales rep, not a manager or an admin"):
        run(
            "--tenant", "acme", "--email", "n@acme.test", "--role", "sales_rep", "--manager", "rep1@acme.test"
        )


def test_a_manager_of_another_tenant_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match=r"no user with email 'admin@other\.test' in acme"):
        run(
            "--tenant",
            "acme",
            "--email",
            "n@acme.test",
            "--role",
            "sales_rep",
            "--manager",
            "admin@other.test",
        )


def test_an_invalid_email_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="not a valid email address"):
        run("--tenant", "acme", "--email", "nobody", "--role", "sales_rep")
