"""A customer's contacts from its page: add, edit, remove and mark primary, over the contact services."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leora.crm.models import Contact
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_contact

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def contacts(world: World, book: Book, unscoped: None) -> dict[str, Contact]:
    return {
        "ana": make_contact(book.rep1, name="Ana Lopez", title="Buyer", is_primary=True),
        "ben": make_contact(book.rep1, name="Ben Rossi", title="Bar manager", email="ben@bluedoor.test"),
        "rep2": make_contact(book.rep2, name="Chloe Khan"),
    }


def test_adding_a_contact_writes_it_and_refreshes_the_page(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        reverse("customer_contact_new", args=[book.rep1.pk]),
        {"name": " Dev Nguyen ", "title": "Owner", "phone": "+1 707 555 0111", "email": "dev@bluedoor.test"},
        headers=HTMX,
    )
    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert events["toast"]["text"] == "Dev Nguyen added to Blue Door Bistro."
    assert "records-changed" in events
    contact = Contact.objects.for_tenant(world.acme).get(customer=book.rep1)
    assert (contact.name, contact.title, contact.email, contact.is_primary) == (
        "Dev Nguyen",
        "Owner",
        "dev@bluedoor.test",
        False,
    )
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="contact.create").count() == 1


@pytest.mark.parametrize(("field", "value"), [("name", "  "), ("email", "not-an-address")])
def test_bad_input_is_422_with_the_field_named_and_writes_nothing(
    world: World, book: Book, field: str, value: str
) -> None:
    values = {"name": "Dev Nguyen", "email": "", field: value}
    response = signed_in(world.rep1).post(
        reverse("customer_contact_new", args=[book.rep1.pk]), values, headers=HTMX
    )
    assert response.status_code == 422
    assert f'id="error-{field}"' in response.content.decode()
    assert not Contact.objects.for_tenant(world.acme).exists()


def test_a_new_primary_contact_takes_over_from_the_old_one(world: World, book: Book, contacts: Any) -> None:
    signed_in(world.rep1).post(
        reverse("customer_contact_new", args=[book.rep1.pk]), {"name": "Dev Nguyen", "is_primary": "on"}
    )
    primaries = Contact.objects.for_tenant(world.acme).filter(customer=book.rep1, is_primary=True)
    assert list(primaries.values_list("name", flat=True)) == ["Dev Nguyen"]


def test_editing_a_contact_opens_it_filled_in_and_saves_the_change(
    world: World, book: Book, contacts: Any
) -> None:
    client = signed_in(world.rep1)
    edit = reverse("contact_edit", args=[contacts["ben"].pk])
    page = client.get(edit, headers=HTMX).content.decode()
    assert "Edit Ben Rossi · Blue Door Bistro" in page and 'value="ben@bluedoor.test"' in page
    response = client.post(edit, {"name": "Ben Rossi", "title": "General manager", "email": ""}, headers=HTMX)
    assert response.status_code == 200
    contacts["ben"].refresh_from_db()
    assert (contacts["ben"].title, contacts["ben"].email) == ("General manager", "")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="contact.update")
    assert audit.before["title"] == "Bar manager" and audit.after["title"] == "General manager"


def test_an_invalid_edit_is_422_and_leaves_the_contact_as_it_was(
    world: World, book: Book, contacts: Any
) -> None:
    response = signed_in(world.rep1).post(
        reverse("contact_edit", args=[contacts["ben"].pk]), {"name": "", "title": "Owner"}, headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-name"' in body and "Give the contact a name." in body
    contacts["ben"].refresh_from_db()
    assert (contacts["ben"].name, contacts["ben"].title) == ("Ben Rossi", "Bar manager")


def test_marking_a_contact_primary_unmarks_the_other(world: World, book: Book, contacts: Any) -> None:
    response = signed_in(world.rep1).post(
        reverse("contact_make_primary", args=[contacts["ben"].pk]), headers=HTMX
    )
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["toast"]["text"] == "Ben Rossi is now the primary contact."
    primaries = Contact.objects.for_tenant(world.acme).filter(customer=book.rep1, is_primary=True)
    assert list(primaries.values_list("name", flat=True)) == ["Ben Rossi"]


def test_removing_a_contact_deletes_it_and_audits_it(world: World, book: Book, contacts: Any) -> None:
    response = signed_in(world.rep1).post(reverse("contact_remove", args=[contacts["ben"].pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("customer_detail", args=[book.rep1.pk])
    assert not Contact.objects.for_tenant(world.acme).filter(pk=contacts["ben"].pk).exists()
    assert AuditEvent.objects.for_tenant(world.acme).filter(action="contact.delete").count() == 1


def test_removing_and_marking_need_a_post(world: World, contacts: Any) -> None:
    client = signed_in(world.rep1)
    assert client.get(reverse("contact_remove", args=[contacts["ben"].pk])).status_code == 405
    assert client.get(reverse("contact_make_primary", args=[contacts["ben"].pk])).status_code == 405


def test_another_reps_contacts_and_customer_answer_404_and_stay_as_they_were(
    world: World, book: Book, contacts: Any
) -> None:
    client = signed_in(world.rep1)
    theirs = contacts["rep2"]
    assert client.get(reverse("customer_contact_new", args=[book.rep2.pk])).status_code == 404
    assert client.post(reverse("customer_contact_new", args=[book.rep2.pk]), {"name": "X"}).status_code == 404
    assert client.get(reverse("contact_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("contact_edit", args=[theirs.pk]), {"name": "X"}).status_code == 404
    assert client.post(reverse("contact_remove", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("contact_make_primary", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.is_primary) == ("Chloe Khan", False)
    assert Contact.objects.for_tenant(world.acme).filter(customer=book.rep2).count() == 1


def test_the_contacts_section_counts_them_and_offers_each_action(
    world: World, book: Book, contacts: Any
) -> None:
    page = signed_in(world.rep1).get(reverse("customer_detail", args=[book.rep1.pk])).content.decode()
    assert 'data-testid="contact-count">2 contacts<' in page
    assert 'id="action-add-contact"' in page
    assert f'id="contact-edit-{contacts["ben"].pk}"' in page
    assert f'id="contact-primary-{contacts["ben"].pk}"' in page
    assert f'id="contact-primary-{contacts["ana"].pk}"' not in page  # already primary
    assert 'hx-confirm="Remove Ben Rossi from Blue Door Bistro? This cannot be undone."' in page
