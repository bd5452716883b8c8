"""The shared form modal, through its first form: logging an activity from a customer's page."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leora.crm.models import Activity
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(book_customer: Any) -> str:
    return reverse("customer_activity_new", args=[book_customer.pk])


def test_the_form_opens_as_a_fragment_for_htmx_and_as_a_page_without(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    fragment = client.get(url(book.rep1), headers=HTMX).content.decode()
    assert "<html" not in fragment and 'name="kind"' in fragment and "data-modal-close" in fragment
    page = client.get(url(book.rep1)).content.decode()
    assert "<html" in page and 'name="kind"' in page and "Log activity · Blue Door Bistro" in page


def test_saving_closes_the_modal_refreshes_the_page_and_writes_the_activity(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        url(book.rep1),
        {
            "kind": "visit",
            "occurred_at": "2026-11-30T10:15",
            "subject": "Ordered two cases",
            "outcome": "Likes rosé",
        },
        headers=HTMX,
    )
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    events = json.loads(response["HX-Trigger"])
    assert set(events) == {"toast", "form-saved", "records-changed"}
    assert events["toast"]["text"] == "Visit logged for Blue Door Bistro."
    activity = Activity.objects.for_tenant(world.acme).get(customer=book.rep1)
    assert (activity.kind, activity.subject, activity.outcome, activity.user) == (
        "visit", "Ordered two cases", "Likes rosé", world.rep1,
    )  # fmt: skip
    # The time was read in the tenant's time zone, as the rep typed it.
    local = activity.occurred_at.astimezone(world.acme.tzinfo)
    assert (local.day, local.hour, local.minute) == (30, 10, 15)
    assert AuditEvent.objects.filter(tenant=world.acme, action="activity.create").count() == 1


def test_without_htmx_saving_goes_back_to_the_customer_page(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(url(book.rep1), {"kind": "call", "occurred_at": "2026-11-30T09:00"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customer_detail", args=[book.rep1.pk])


def test_bad_input_answers_422_with_the_field_named_and_writes_nothing(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        url(book.rep1), {"kind": "fax", "occurred_at": "yesterday"}, headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-kind"' in body and 'id="error-occurred_at"' in body
    assert not Activity.objects.for_tenant(world.acme).exists()


def test_another_reps_customer_answers_404_for_the_form_and_the_post(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    assert client.get(url(book.rep2)).status_code == 404
    assert client.post(url(book.rep2), {"kind": "call", "occurred_at": "2026-11-30T09:00"}).status_code == 404
    assert client.get(url(book.other)).status_code == 404
    assert not Activity.objects.for_tenant(world.acme).exists()


def test_the_customer_page_answers_htmx_with_its_refreshable_region(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    detail = reverse("customer_detail", args=[book.rep1.pk])
    fragment = client.get(detail, headers=HTMX).content.decode()
    assert 'id="customer-page"' in fragment and "<html" not in fragment
    assert 'hx-trigger="records-changed from:body"' in fragment
    assert 'id="action-log-activity"' in fragment
