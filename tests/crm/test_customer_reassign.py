"""Who may move an account to another rep: admins and managers, within whom they may hand work to."""

from typing import Any

import pytest

from leora.crm.services.customers import customer_update
from leora.errors import Forbidden
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import actor

pytestmark = pytest.mark.django_db


def test_a_rep_cannot_unassign_their_account(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/customers/{book.rep1.pk}", {"assigned_rep_id": None})
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "assigned_rep_id"
    book.rep1.refresh_from_db()
    assert book.rep1.assigned_rep_id == world.rep1.pk
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="customer.update").exists()


def test_a_rep_may_send_their_own_id_back_unchanged(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).patch(
        f"/api/customers/{book.rep1.pk}", {"assigned_rep_id": world.rep1.pk, "city": "Sonoma"}
    )
    assert response.status_code == 200
    assert response.json()["city"] == "Sonoma"


def test_the_service_refuses_a_rep_moving_an_account_and_writes_nothing(world: World, book: Book) -> None:
    with pytest.raises(Forbidden):
        customer_update(
            actor=actor(world.acme, world.rep1),
            customer=book.rep1,
            changes={"assigned_rep_id": world.rep2.pk, "name": "Renamed"},
        )
    book.rep1.refresh_from_db()
    assert (book.rep1.name, book.rep1.assigned_rep_id) == ("Blue Door Bistro", world.rep1.pk)


def test_a_manager_cannot_move_an_account_outside_the_team(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.manager).patch(
        f"/api/customers/{book.rep1.pk}", {"assigned_rep_id": world.rep3.pk}
    )
    assert response.status_code == 403
    book.rep1.refresh_from_db()
    assert book.rep1.assigned_rep_id == world.rep1.pk


def test_an_admin_moves_an_account_to_anyone_and_it_is_audited(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.admin).patch(f"/api/customers/{book.rep1.pk}", {"assigned_rep_id": world.rep3.pk})
    assert response.status_code == 200
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="customer.update")
    assert audit.before["assigned_rep"] == world.rep1.pk and audit.after["assigned_rep"] == world.rep3.pk
