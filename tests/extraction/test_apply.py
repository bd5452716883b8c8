"""Applying a reviewed scan: creates or updates the customer and contact through crm's services, matched by
email, phone or licence number; nothing is written to the CRM before."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import Contact, Customer
from leora.extraction.models import Extraction, ExtractionKind, ExtractionStatus
from leora.tenancy.models import AuditEvent
from leora.tenancy.scoping import scopes_disabled
from tests.conftest import World
from tests.factories import make_contact, make_customer

pytestmark = pytest.mark.django_db

CARD = {
    "person_name": "Maria Gonzalez", "title": "Head Sommelier", "company": "Vineyard Bistro LLC",
    "email": "maria@vineyardbistro.com", "phone": "+14153927781", "website": "www.vineyardbistro.com",
    "address": "1200 Market St, San Francisco, CA 94102",
}  # fmt: skip
LICENCE = {
    "licence_number": "47-589321", "licensee": "Blue Door Bistro LLC",
    "premises_address": "88 Vine Street, Napa, CA 94559",
    "licence_class": "Type 47 On-Sale General", "expiry_date": "2027-06-30",
}  # fmt: skip


def read_scan(
    world: World, user: Any, values: dict[str, str], kind: str = ExtractionKind.BUSINESS_CARD
) -> Extraction:
    """A scan as the OCR job leaves it (fields with their confidence), without running OCR again."""
    fields = {name: {"value": value, "confidence": 0.9, "raw": value} for name, value in values.items()}
    tenant = (
        world.acme
        if user in (world.admin, world.manager, world.rep1, world.rep2, world.rep3)
        else world.other
    )
    return Extraction.objects.create_for(
        tenant, kind=kind, status=ExtractionStatus.COMPLETED, created_by=user, image_path="extractions/x.png",
        content_type="image/png", size_bytes=1, width=1, height=1, fields=fields, completed_at=timezone.now(),
    )  # fmt: skip


def apply(api_as: Any, user: Any, scan: Extraction, **body: Any) -> Any:
    return api_as(user).post(f"/api/extractions/{scan.pk}/apply", body)


def test_nothing_is_written_to_the_crm_before_apply(world: World, api_as: Any, unscoped: None) -> None:
    scan = read_scan(world, world.rep1, CARD)
    api_as(world.rep1).get(f"/api/extractions/{scan.pk}")
    assert (Customer.objects.count(), Contact.objects.count()) == (0, 0)


def test_applying_a_card_creates_the_account_and_its_primary_contact_in_the_reps_book(
    world: World, api_as: Any, unscoped: None
) -> None:
    scan = read_scan(world, world.rep1, CARD)
    response = apply(api_as, world.rep1, scan)
    assert response.status_code == 200
    assert (response.json()["customer_created"], response.json()["contact_created"]) == (True, True)
    customer = Customer.objects.get()
    assert (customer.name, customer.assigned_rep_id, customer.street, customer.city, customer.region,
            customer.postal_code) == ("Vineyard Bistro LLC", world.rep1.pk, "1200 Market St", "San Francisco",
                                      "CA", "94102")  # fmt: skip
    contact = Contact.objects.get()
    assert (contact.name, contact.title, contact.email, contact.phone, contact.is_primary) == (
        "Maria Gonzalez", "Head Sommelier", "maria@vineyardbistro.com", "+14153927781", True,
    )  # fmt: skip


def test_applying_writes_the_crm_audit_events(world: World, api_as: Any, unscoped: None) -> None:
    apply(api_as, world.rep1, read_scan(world, world.rep1, CARD))
    actions = set(AuditEvent.objects.filter(tenant=world.acme).values_list("action", flat=True))
    assert {"customer.create", "contact.create", "extraction.apply"} <= actions


def test_a_corrected_field_is_what_gets_applied(world: World, api_as: Any, unscoped: None) -> None:
    scan = read_scan(world, world.rep1, {**CARD, "person_name": "Marla Gonzalez"})
    apply(api_as, world.rep1, scan, fields={"person_name": "Maria Gonzalez"})
    assert Contact.objects.get().name == "Maria Gonzalez"
    assert Extraction.objects.get(pk=scan.pk).fields["person_name"]["value"] == "Maria Gonzalez"


def test_a_contact_with_the_same_email_is_shown_as_a_match(world: World, api_as: Any, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep1, name="Vineyard Bistro")
    contact = make_contact(customer, name="M. Gonzalez", email="maria@vineyardbistro.com")
    scan = read_scan(world, world.rep1, CARD)
    matches = api_as(world.rep1).get(f"/api/extractions/{scan.pk}").json()["matches"]
    assert matches[0] == {
        "customer_id": customer.pk, "customer_name": "Vineyard Bistro", "contact_id": contact.pk,
        "contact_name": "M. Gonzalez", "reason": "email maria@vineyardbistro.com",
    }  # fmt: skip


def test_a_contact_with_the_same_phone_written_differently_is_a_match(
    world: World, api_as: Any, unscoped: None
) -> None:
    customer = make_customer(world.acme, world.rep1)
    contact = make_contact(customer, phone="(415) 392-7781")
    scan = read_scan(world, world.rep1, {**CARD, "email": ""})
    matches = api_as(world.rep1).get(f"/api/extractions/{scan.pk}").json()["matches"]
    assert [m["contact_id"] for m in matches] == [contact.pk]


def test_applying_to_the_matched_contact_updates_it(world: World, api_as: Any, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep1, name="Vineyard Bistro", street="1 Old Road")
    contact = make_contact(customer, name="M. Gonzalez", email="maria@vineyardbistro.com")
    scan = read_scan(world, world.rep1, CARD)
    body = apply(api_as, world.rep1, scan, contact_id=contact.pk).json()
    assert (body["customer_created"], body["contact_created"]) == (False, False)
    contact.refresh_from_db()
    customer.refresh_from_db()
    assert (contact.name, contact.title, contact.phone) == (
        "Maria Gonzalez",
        "Head Sommelier",
        "+14153927781",
    )
    assert (Customer.objects.count(), Contact.objects.count()) == (1, 1)
    assert (customer.street, customer.city) == (
        "1 Old Road",
        "San Francisco",
    )  # fills blanks, never overwrites


def test_a_colleagues_customer_is_neither_matched_nor_applied_to(
    world: World, api_as: Any, unscoped: None
) -> None:
    theirs = make_customer(world.acme, world.rep2, email="maria@vineyardbistro.com")
    scan = read_scan(world, world.rep1, CARD)
    assert api_as(world.rep1).get(f"/api/extractions/{scan.pk}").json()["matches"] == []
    response = apply(api_as, world.rep1, scan, customer_id=theirs.pk)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "customer_id")


def test_a_licence_matches_the_customer_holding_its_number(world: World, api_as: Any, unscoped: None) -> None:
    customer = make_customer(world.acme, world.rep1, licence_number="47-589321")
    scan = read_scan(world, world.rep1, LICENCE, kind=ExtractionKind.LICENSE)
    matches = api_as(world.rep1).get(f"/api/extractions/{scan.pk}").json()["matches"]
    assert [(m["customer_id"], m["reason"]) for m in matches] == [(customer.pk, "licence number 47-589321")]


def test_applying_a_licence_creates_an_on_premise_account(world: World, api_as: Any, unscoped: None) -> None:
    apply(api_as, world.rep1, read_scan(world, world.rep1, LICENCE, kind=ExtractionKind.LICENSE))
    customer = Customer.objects.get()
    assert (customer.name, customer.licence_number, customer.licence_type, customer.city) == (
        "Blue Door Bistro LLC", "47-589321", "on_premise", "Napa",
    )  # fmt: skip
    assert "Licence expires 2027-06-30" in customer.notes


def test_a_scan_is_applied_only_once(world: World, api_as: Any, unscoped: None) -> None:
    scan = read_scan(world, world.rep1, CARD)
    apply(api_as, world.rep1, scan)
    assert apply(api_as, world.rep1, scan).status_code == 409
    assert Customer.objects.count() == 1


def test_a_bad_correction_is_422_naming_the_field_and_writes_nothing(
    world: World, api_as: Any, unscoped: None
) -> None:
    scan = read_scan(world, world.rep1, CARD)
    response = apply(api_as, world.rep1, scan, fields={"email": "not an email"})
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "email")
    assert (Customer.objects.count(), Extraction.objects.get(pk=scan.pk).status) == (
        0,
        ExtractionStatus.COMPLETED,
    )


def test_a_card_without_a_company_asks_for_one(world: World, api_as: Any, unscoped: None) -> None:
    response = apply(api_as, world.rep1, read_scan(world, world.rep1, {**CARD, "company": ""}))
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "company")


def test_another_tenants_scan_cannot_be_applied(world: World, api_as: Any, unscoped: None) -> None:
    scan = read_scan(world, world.other_rep, CARD)
    assert apply(api_as, world.admin, scan).status_code == 404
    assert Customer.objects.count() == 0


def test_a_scan_still_being_read_cannot_be_applied(world: World, api_as: Any) -> None:
    with scopes_disabled():
        scan = read_scan(world, world.rep1, CARD)
        Extraction.objects.filter(pk=scan.pk).update(status=ExtractionStatus.PROCESSING)
    assert apply(api_as, world.rep1, scan).status_code == 409
