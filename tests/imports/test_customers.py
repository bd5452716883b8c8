"""Importing customers: created, updated, unchanged on a second import, and the rows refused."""

from __future__ import annotations

from typing import Any

from leora.crm.models import Customer, CustomerFacts
from leora.imports.models import ImportStatus
from leora.tenancy.actors import Actor
from leora.tenancy.models import AuditEvent
from tests import factories
from tests.conftest import World
from tests.imports.conftest import csv_file, do_import, problems

CUSTOMERS = """Account number,Customer name,Type,City,Email,Rep
C-100,Blue Door Bistro,active,Napa,owner@bluedoor.test,rep1@acme.test
C-101,Fig & Vine,prospect,Sonoma,,
C-102,Harbor Lights Hotel,Target,Sausalito,,rep2@acme.test
"""


def _customers(world: World) -> Any:
    return Customer.objects.for_tenant(world.acme)


def test_an_import_creates_the_customers_of_the_file(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(CUSTOMERS))

    assert run.status == ImportStatus.COMPLETED, run.message
    assert (run.created_count, run.updated_count, run.skipped_count) == (3, 0, 0)
    blue = _customers(world).get(account_number="C-100")
    assert (blue.name, blue.account_type, blue.city, blue.email) == (
        "Blue Door Bistro",
        "ACTIVE",
        "Napa",
        "owner@bluedoor.test",
    )
    assert blue.assigned_rep == world.rep1
    assert CustomerFacts.objects.for_tenant(world.acme).filter(customer=blue).exists()


def test_importing_the_same_file_again_changes_nothing(world: World, admin: Actor) -> None:
    do_import(admin, "customers", csv_file(CUSTOMERS))
    before = list(_customers(world).order_by("pk").values())

    again = do_import(admin, "customers", csv_file(CUSTOMERS))

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert list(_customers(world).order_by("pk").values()) == before


def test_a_known_account_number_updates_the_customer(world: World, admin: Actor, setup: None) -> None:
    existing = factories.make_customer(world.acme, account_number="C-101", name="Fig and Vine", city="Sonoma")

    run = do_import(admin, "customers", csv_file(CUSTOMERS))

    existing.refresh_from_db()
    assert (run.created_count, run.updated_count) == (2, 1)
    assert existing.name == "Fig & Vine"


def test_one_audit_event_records_the_whole_import(world: World, admin: Actor) -> None:
    run = do_import(admin, "customers", csv_file(CUSTOMERS))

    events = AuditEvent.objects.for_tenant(world.acme).filter(action="import.apply")
    assert events.count() == 1
    assert events.get().after["created"] == 3
    assert events.get().object_id == str(run.pk)


def test_bad_cells_are_refused_naming_row_and_column(world: World, admin: Actor) -> None:
    text = CUSTOMERS + "C-103,,active,Napa,,\nC-104,Copper Still,active,Oakland,not-an-email,\n"

    run = do_import(admin, "customers", csv_file(text))

    assert problems(run) == [
        (5, "Customer name: is empty; every row needs it"),
        (6, "Email: enter a valid email address"),
    ]
    assert run.created_count == 3
