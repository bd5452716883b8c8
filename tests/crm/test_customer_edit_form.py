"""Edit account from the customer page: the form in the shared modal, over customer_update."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leora.crm.models import Customer
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(customer: Customer) -> str:
    return reverse("customer_edit", args=[customer.pk])


def filled(customer: Customer, **changes: Any) -> dict[str, Any]:
    """The form as it opens for ``customer``, with ``changes`` typed in."""
    values = {
        "name": customer.name, "account_type": customer.account_type, "status": customer.status,
        "street": customer.street, "city": customer.city, "region": customer.region,
        "postal_code": customer.postal_code, "country": customer.country, "phone": customer.phone,
        "email": customer.email, "licence_number": customer.licence_number,
        "licence_type": customer.licence_type, "territory": customer.territory, "notes": customer.notes,
    }  # fmt: skip
    if customer.assigned_rep_id:
        values["assigned_rep"] = str(customer.assigned_rep_id)
    return {**values, **changes}


def customer_updates(world: World) -> int:
    return AuditEvent.objects.for_tenant(world.acme).filter(action="customer.update").count()


def test_the_form_opens_filled_in_with_the_accounts_details(world: World, book: Book) -> None:
    page = signed_in(world.rep1).get(url(book.rep1), headers=HTMX).content.decode()
    assert "Edit Blue Door Bistro" in page
    assert 'value="Blue Door Bistro"' in page and 'value="Napa"' in page
    assert 'name="assigned_rep"' not in page  # a rep keeps their own accounts


def test_the_customer_page_has_the_edit_opener(world: World, book: Book) -> None:
    page = signed_in(world.rep1).get(reverse("customer_detail", args=[book.rep1.pk])).content.decode()
    assert 'id="action-edit-customer"' in page and f'hx-get="{url(book.rep1)}"' in page


def test_saving_an_address_writes_it_audits_it_and_refreshes_the_page(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        url(book.rep1),
        filled(book.rep1, street="12 Vine St", city="Sonoma", region="CA", postal_code="95476", country="us"),
        headers=HTMX,
    )
    assert response.status_code == 200
    events = json.loads(response["HX-Trigger"])
    assert events["toast"]["text"] == "Blue Door Bistro saved."
    assert "records-changed" in events and "form-saved" in events
    book.rep1.refresh_from_db()
    assert (book.rep1.street, book.rep1.city, book.rep1.postal_code, book.rep1.country) == (
        "12 Vine St",
        "Sonoma",
        "95476",
        "US",
    )
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="customer.update")
    assert audit.before["city"] == "Napa" and audit.after["city"] == "Sonoma"


def test_without_htmx_saving_goes_back_to_the_customer_page(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(url(book.rep1), filled(book.rep1, phone="+1 707 555 0100"))
    assert response.status_code == 302
    assert response["Location"] == reverse("customer_detail", args=[book.rep1.pk])


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "orders at blue door"), ("name", "   "), ("country", "USA"), ("account_type", "VIP")],
)
def test_bad_input_is_422_with_the_field_named_and_writes_nothing(
    world: World, book: Book, field: str, value: str
) -> None:
    response = signed_in(world.rep1).post(
        url(book.rep1), filled(book.rep1, city="Sonoma", **{field: value}), headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="error-{field}"' in body and 'aria-invalid="true"' in body
    assert 'value="Sonoma"' in body  # what was typed is kept
    book.rep1.refresh_from_db()
    assert book.rep1.city == "Napa"
    assert customer_updates(world) == 0


def test_another_reps_customer_answers_404_for_the_form_and_the_post(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    assert client.get(url(book.rep2)).status_code == 404
    assert client.post(url(book.rep2), filled(book.rep2, name="Mine now")).status_code == 404
    assert client.get(url(book.other)).status_code == 404
    book.rep2.refresh_from_db()
    assert book.rep2.name == "Corner Cellar"


def test_a_manager_reassigns_the_account_within_the_team(world: World, book: Book) -> None:
    client = signed_in(world.manager)
    page = client.get(url(book.rep1), headers=HTMX).content.decode()
    assert 'name="assigned_rep"' in page
    assert world.rep2.display_name in page and world.rep3.display_name not in page
    response = client.post(url(book.rep1), filled(book.rep1, assigned_rep=str(world.rep2.pk)), headers=HTMX)
    assert response.status_code == 200
    book.rep1.refresh_from_db()
    assert book.rep1.assigned_rep_id == world.rep2.pk


def test_a_manager_cannot_give_the_account_to_someone_outside_the_team(world: World, book: Book) -> None:
    response = signed_in(world.manager).post(
        url(book.rep1), filled(book.rep1, assigned_rep=str(world.rep3.pk)), headers=HTMX
    )
    assert response.status_code == 422
    assert 'id="error-assigned_rep"' in response.content.decode()
    book.rep1.refresh_from_db()
    assert book.rep1.assigned_rep_id == world.rep1.pk


def test_an_admin_may_unassign_an_account(world: World, book: Book) -> None:
    response = signed_in(world.admin).post(url(book.rep1), filled(book.rep1, assigned_rep=""), headers=HTMX)
    assert response.status_code == 200
    book.rep1.refresh_from_db()
    assert book.rep1.assigned_rep_id is None


def test_a_rep_posting_a_rep_field_changes_nothing_of_the_assignment(world: World, book: Book) -> None:
    # The field is not on a rep's form, so a hand-made post cannot move the account.
    signed_in(world.rep1).post(url(book.rep1), filled(book.rep1, assigned_rep=str(world.rep2.pk)))
    book.rep1.refresh_from_db()
    assert book.rep1.assigned_rep_id == world.rep1.pk


def test_a_blank_name_says_what_to_do(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(url(book.rep1), filled(book.rep1, name=""), headers=HTMX)
    assert response.status_code == 422
    assert "Give the account a name." in response.content.decode()


def test_an_unchanged_form_writes_nothing(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(url(book.rep1), filled(book.rep1), headers=HTMX)
    assert response.status_code == 200
    assert customer_updates(world) == 0
