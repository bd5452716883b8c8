"""A customer's page shows a person exactly the rows the API shows them for that customer.

Both read through the same list selectors; these tests hold the page and the API against each other
for a rep and a manager, on a customer with tasks assigned by and to several people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.crm.models import Customer, TaskStatus
from leora.tenancy.models import User
from tests import factories
from tests.conftest import World

OPEN = {TaskStatus.OPEN.value, TaskStatus.IN_PROGRESS.value}


@dataclass
class Account:
    customer: Customer
    task_titles: dict[str, str]


@pytest.fixture
def account(world: World, unscoped: None) -> Account:
    """rep1's customer, with open tasks for rep1, for rep2, for the manager and for the admin."""
    customer = factories.make_customer(world.acme, world.rep1, name="Harbour Bistro")
    today = timezone.localdate()
    tasks = {
        "rep1_own": factories.make_task(world.acme, world.rep1, customer=customer, title="Rep1 follow-up"),
        "from_manager": factories.make_task(
            world.acme, world.rep1, customer=customer, assigned_by=world.manager, title="Manager asks rep1"
        ),
        "manager_own": factories.make_task(
            world.acme, world.manager, customer=customer, assigned_by=world.manager, title="Manager own visit"
        ),
        "rep2": factories.make_task(world.acme, world.rep2, customer=customer, title="Rep2 covers tasting"),
        "admin_own": factories.make_task(
            world.acme, world.admin, customer=customer, assigned_by=world.admin, title="Admin credit check"
        ),
        "done": factories.make_task(
            world.acme, world.rep1, customer=customer, status=TaskStatus.DONE, title="Rep1 finished call"
        ),
        "overdue": factories.make_task(
            world.acme, world.rep1, customer=customer, due_date=today - timedelta(days=3), title="Rep1 late"
        ),
    }
    product = factories.make_product(world.acme)
    for days in (3, 10, 17):
        factories.make_order(customer, [(product, 2)], order_date=today - timedelta(days=days))
    factories.make_invoice(customer, amount="120.00")
    factories.make_invoice(customer, amount="80.00", paid="80.00")
    factories.make_activity(customer, world.rep1, subject="Called the buyer")
    factories.make_activity(customer, world.manager, kind="visit", subject="Manager dropped by")
    factories.make_contact(customer, name="Dana Buyer")
    return Account(customer=customer, task_titles={key: task.title for key, task in tasks.items()})


def _page(user: User, customer: Customer) -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(f"/customers/{customer.pk}/")
    assert response.status_code == 200
    return response


def _api_ids(api: Any, path: str, customer: Customer, **params: Any) -> list[int]:
    body = api.get(path, customer_id=customer.pk, page_size=100, **params).json()
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize("who", ["rep1", "manager"])
def test_the_page_lists_the_open_tasks_the_api_answers_for_that_customer(
    world: World, account: Account, api_as: Any, who: str
) -> None:
    # given
    user = getattr(world, who)
    api = api_as(user)
    # when
    page_ids = {task.pk for task in _page(user, account.customer).context["detail"].open_tasks}
    items = api.get("/api/tasks", customer_id=account.customer.pk, page_size=100).json()["items"]
    api_ids = {item["id"] for item in items if item["status"] in OPEN}
    # then
    assert page_ids == api_ids
    for task_id in page_ids:
        assert api.get(f"/api/tasks/{task_id}").status_code == 200


def test_a_rep_sees_on_the_page_only_tasks_the_api_lets_them_open(
    world: World, account: Account, api_as: Any
) -> None:
    response = _page(world.rep1, account.customer)
    html = response.content.decode()
    titles = account.task_titles
    for key in ("rep1_own", "from_manager", "overdue"):
        assert titles[key] in html
    for key in ("manager_own", "rep2", "admin_own", "done"):
        assert titles[key] not in html


def test_a_manager_sees_their_own_and_their_teams_tasks_on_the_account(
    world: World, account: Account
) -> None:
    html = _page(world.manager, account.customer).content.decode()
    titles = account.task_titles
    for key in ("rep1_own", "from_manager", "manager_own", "rep2", "overdue"):
        assert titles[key] in html
    assert titles["admin_own"] not in html


@pytest.mark.parametrize("who", ["rep1", "manager", "admin"])
@pytest.mark.parametrize(
    ("section", "path"),
    [
        ("orders", "/api/orders"),
        ("invoices", "/api/invoices"),
        ("activities", "/api/activities"),
        ("contacts", "/api/contacts"),
    ],
)
def test_the_pages_sections_hold_the_rows_the_api_lists_for_that_customer(
    world: World, account: Account, api_as: Any, who: str, section: str, path: str
) -> None:
    user = getattr(world, who)
    page_ids = {row.pk for row in getattr(_page(user, account.customer).context["detail"], section)}
    assert page_ids == set(_api_ids(api_as(user), path, account.customer))
    assert page_ids


def test_another_tenants_customer_page_is_not_found(world: World, account: Account) -> None:
    client = Client()
    client.force_login(world.other_admin)
    assert client.get(f"/customers/{account.customer.pk}/").status_code == 404
