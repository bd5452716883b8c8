from typing import Any

import pytest

from leora.crm.models import Contact
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(book: Book, unscoped: None) -> dict[str, Contact]:
    return {
        "rep1": make_contact(book.rep1, name="Ana Buyer", email="ana@bluedoor.test", title="Owner"),
        "rep2": make_contact(book.rep2, name="Ben Cellarman"),
        "rep3": make_contact(book.rep3, name="Cara Concierge"),
        "other": make_contact(book.other, name="Dan Elsewhere"),
    }


def names(response: Any) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


def test_a_rep_lists_only_contacts_of_their_own_customers(world: World, people: Any, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/contacts")
    assert response.status_code == 200
    assert names(response) == {"Ana Buyer"}
    assert response.json()["total"] == 1


def test_a_manager_lists_their_teams_contacts(world: World, people: Any, api_as: Any) -> None:
    assert names(api_as(world.manager).get("/api/contacts")) == {"Ana Buyer", "Ben Cellarman"}


def test_an_admin_lists_the_whole_tenant_and_nothing_else(world: World, people: Any, api_as: Any) -> None:
    assert names(api_as(world.admin).get("/api/contacts")) == {"Ana Buyer", "Ben Cellarman", "Cara Concierge"}


def test_a_contact_shows_its_customer(world: World, people: Any, book: Book, api_as: Any) -> None:
    body = api_as(world.rep1).get(f"/api/contacts/{people['rep1'].pk}").json()
    assert body["customer"] == {
        "id": book.rep1.pk,
        "name": "Blue Door Bistro",
        "account_number": book.rep1.account_number,
    }
    assert (body["email"], body["title"]) == ("ana@bluedoor.test", "Owner")


def test_another_tenants_contact_answers_404(world: World, people: Any, api_as: Any) -> None:
    client, path = api_as(world.admin), f"/api/contacts/{people['other'].pk}"
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"] == "contact not found"
    assert client.patch(path, {"name": "x"}).status_code == 404
    assert client.delete(path).status_code == 404


def test_another_reps_contact_answers_404_for_a_rep(world: World, people: Any, api_as: Any) -> None:
    client = api_as(world.rep1)
    contact_id = people["rep2"].pk
    assert client.get(f"/api/contacts/{contact_id}").status_code == 404
    assert client.patch(f"/api/contacts/{contact_id}", {"name": "x"}).status_code == 404
    assert client.delete(f"/api/contacts/{contact_id}").status_code == 404


def test_filter_by_customer(world: World, people: Any, book: Book, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/contacts", customer_id=book.rep2.pk)
    assert names(response) == {"Ben Cellarman"}


def test_search_matches_name_email_and_customer(world: World, people: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert names(admin.get("/api/contacts", search="bluedoor")) == {"Ana Buyer"}
    assert names(admin.get("/api/contacts", search="harbor")) == {"Cara Concierge"}


def test_unknown_ordering_is_rejected_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/contacts", ordering="tenant")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_a_rep_creates_a_contact_of_their_customer_and_it_is_audited(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.rep1).post(
        "/api/contacts", {"customer_id": book.rep1.pk, "name": "Eve Sommelier", "phone": "555-0100"}
    )
    assert response.status_code == 201
    created = Contact.objects.for_tenant(world.acme).get(pk=response.json()["id"])
    assert (created.name, created.customer_id, created.email) == ("Eve Sommelier", book.rep1.pk, "")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="contact.create")
    assert audit.object_id == str(created.pk) and audit.actor == world.rep1


def test_creating_a_contact_of_another_reps_customer_is_422_and_writes_nothing(
    world: World, book: Book, api_as: Any
) -> None:
    response = api_as(world.rep1).post("/api/contacts", {"customer_id": book.rep2.pk, "name": "X"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"
    assert Contact.objects.for_tenant(world.acme).count() == 0
    assert not AuditEvent.objects.for_tenant(world.acme).filter(object_type="contact").exists()


def test_creating_a_contact_of_another_tenants_customer_is_422(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/contacts", {"customer_id": book.other.pk, "name": "X"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"


def test_a_blank_name_is_422_naming_the_field(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/contacts", {"customer_id": book.rep1.pk, "name": "  "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_a_bad_email_is_422_naming_the_field(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post(
        "/api/contacts", {"customer_id": book.rep1.pk, "name": "X", "email": "not-an-email"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_marking_a_contact_primary_unsets_the_previous_primary(
    world: World, book: Book, people: Any, api_as: Any, unscoped: None
) -> None:
    first = make_contact(book.rep1, name="First", is_primary=True)
    response = api_as(world.rep1).patch(f"/api/contacts/{people['rep1'].pk}", {"is_primary": True})
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.is_primary is False
    assert Contact.objects.for_tenant(world.acme).get(pk=people["rep1"].pk).is_primary is True


def test_patch_changes_only_given_fields_and_audits_before_and_after(
    world: World, people: Any, api_as: Any
) -> None:
    contact = people["rep1"]
    response = api_as(world.rep1).patch(f"/api/contacts/{contact.pk}", {"title": "Head buyer"})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.title, contact.name) == ("Head buyer", "Ana Buyer")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="contact.update")
    assert audit.before["title"] == "Owner" and audit.after["title"] == "Head buyer"


def test_moving_a_contact_to_a_hidden_customer_is_422(
    world: World, people: Any, book: Book, api_as: Any
) -> None:
    response = api_as(world.rep1).patch(f"/api/contacts/{people['rep1'].pk}", {"customer_id": book.rep3.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"


def test_patch_rejects_null_for_a_required_field(world: World, people: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/contacts/{people['rep1'].pk}", {"name": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "cannot be null"}]


def test_patch_clears_the_email_with_null(world: World, people: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/contacts/{people['rep1'].pk}", {"email": None})
    assert response.status_code == 200
    assert response.json()["email"] == ""


def test_a_rep_deletes_a_contact_of_their_customer(world: World, people: Any, api_as: Any) -> None:
    contact_id = people["rep1"].pk
    assert api_as(world.rep1).delete(f"/api/contacts/{contact_id}").status_code == 204
    assert not Contact.objects.for_tenant(world.acme).filter(pk=contact_id).exists()
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="contact.delete")
    assert audit.object_id == str(contact_id) and audit.before["name"] == "Ana Buyer"


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, book: Book, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for _ in range(30):
        make_contact(book.rep1)
    client = api_as(world.manager)
    # token, its last-use stamp, membership, team, count, page (customer joined): no query per row.
    with django_assert_num_queries(6):
        assert client.get("/api/contacts", page_size=30).status_code == 200
