"""The Log activity form with its follow-up task, from a customer's page and from the Activities page."""

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from leora.crm.models import Activity, Task
from tests.conftest import World
from tests.crm.conftest import Book

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
VISIT = {"kind": "visit", "occurred_at": "2026-11-30T10:15", "subject": "Walked the spring list"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def customer_form(customer: Any) -> str:
    return reverse("customer_activity_new", args=[customer.pk])


def test_a_visit_with_a_follow_up_creates_both_from_the_customer_page(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        customer_form(book.rep1),
        {**VISIT, "follow_up_title": "Send the rosé price sheet", "follow_up_due": "2026-12-04"},
        headers=HTMX,
    )
    assert response.status_code == 200
    toast = json.loads(response["HX-Trigger"])["toast"]["text"]
    assert (
        toast
        == "Visit logged for Blue Door Bistro. Follow-up “Send the rosé price sheet” added to your tasks."
    )
    activity = Activity.objects.for_tenant(world.acme).get()
    task = Task.objects.for_tenant(world.acme).get()
    assert (activity.customer_id, activity.subject) == (book.rep1.pk, "Walked the spring list")
    assert (task.title, task.customer_id, task.assigned_to_id, task.due_date) == (
        "Send the rosé price sheet",
        book.rep1.pk,
        world.rep1.pk,
        date(2026, 12, 4),
    )


def test_without_a_follow_up_title_no_task_is_created(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(customer_form(book.rep1), VISIT, headers=HTMX)
    assert response.status_code == 200
    assert Activity.objects.for_tenant(world.acme).count() == 1
    assert not Task.objects.for_tenant(world.acme).exists()


def test_a_follow_up_due_date_without_a_title_is_422_and_writes_nothing(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        customer_form(book.rep1), {**VISIT, "follow_up_due": "2026-12-04"}, headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-follow_up_title"' in body
    assert '<details class="form-section" id="follow-up" open>' in body  # the error is not hidden
    assert not Activity.objects.for_tenant(world.acme).exists()
    assert not Task.objects.for_tenant(world.acme).exists()


def test_a_bad_follow_up_date_is_422_naming_it(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        customer_form(book.rep1),
        {**VISIT, "follow_up_title": "Call", "follow_up_due": "next week"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert 'id="error-follow_up_due"' in response.content.decode()
    assert not Activity.objects.for_tenant(world.acme).exists()


def test_the_follow_up_part_starts_folded(world: World, book: Book) -> None:
    body = signed_in(world.rep1).get(customer_form(book.rep1), headers=HTMX).content.decode()
    assert '<details class="form-section" id="follow-up">' in body
    assert 'name="follow_up_title"' in body and 'name="follow_up_due"' in body


# The Activities page's form


def test_the_activities_page_opens_the_form_with_a_customer_picker(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    page = client.get(reverse("activity_list")).content.decode()
    assert 'id="action-log-activity"' in page and f'hx-get="{reverse("activity_new")}"' in page
    form = client.get(reverse("activity_new"), headers=HTMX).content.decode()
    assert 'name="customer"' in form and "Blue Door Bistro" in form and "Fig Tree Wines" in form
    assert "Corner Cellar" not in form and "Elsewhere Bar" not in form


def test_from_a_customers_log_the_form_has_that_customer_chosen(world: World, book: Book) -> None:
    client = signed_in(world.rep1)
    page = client.get(reverse("activity_list"), {"customer": book.rep1b.pk}).content.decode()
    opener = f"{reverse('activity_new')}?customer={book.rep1b.pk}"
    assert f'hx-get="{opener}"' in page
    form = client.get(opener, headers=HTMX).content.decode()
    assert f'<option value="{book.rep1b.pk}" selected>' in form


def test_logging_from_the_activities_page_writes_on_the_chosen_customer(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        reverse("activity_new"),
        {**VISIT, "customer": str(book.rep1b.pk), "follow_up_title": "Bring samples"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "records-changed" in json.loads(response["HX-Trigger"])
    activity = Activity.objects.for_tenant(world.acme).get()
    assert activity.customer_id == book.rep1b.pk
    assert Task.objects.for_tenant(world.acme).get().customer_id == book.rep1b.pk


def test_without_a_customer_the_form_is_422_naming_it(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(reverse("activity_new"), VISIT, headers=HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-customer"' in body and "Choose a customer." in body
    assert not Activity.objects.for_tenant(world.acme).exists()


def test_another_reps_customer_is_refused_on_the_customer_field(world: World, book: Book) -> None:
    response = signed_in(world.rep1).post(
        reverse("activity_new"), {**VISIT, "customer": str(book.rep2.pk)}, headers=HTMX
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-customer"' in body and "Corner Cellar" not in body
    assert not Activity.objects.for_tenant(world.acme).exists()


def test_the_customer_picker_narrows_to_matching_visible_customers(
    world: World, book: Book, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.rep1)
    client.get(reverse("activity_list"))  # the session is warm
    # session, user, membership, the matching customers.
    with django_assert_num_queries(4):
        response = client.get(reverse("activity_customer_options"), {"customer_search": "napa"})
    body = response.content.decode()
    assert "Blue Door Bistro" in body and "Fig Tree Wines" not in body and "Corner Cellar" not in body
    none = client.get(reverse("activity_customer_options"), {"customer_search": "zzz"}).content.decode()
    assert "No customer matches" in none
