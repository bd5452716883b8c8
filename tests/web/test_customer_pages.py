from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from leora.tenancy.calendar import tenant_today
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import (
    make_activity,
    make_contact,
    make_customer,
    make_invoice,
    make_order,
    make_product,
    make_task,
)

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def htmx(client: Client, path: str, **params: str | int) -> Any:
    return client.get(path, params, headers={"HX-Request": "true"})


def test_the_customer_list_needs_a_session(world: World, client: Client) -> None:
    response = client.get("/customers/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_rep_lists_only_their_own_customers(world: World, book: Book) -> None:
    html = as_user(world.rep1).get("/customers/").content.decode()
    assert "Blue Door Bistro" in html and "Fig Tree Wines" in html
    assert "Corner Cellar" not in html and "Harbor Hotel" not in html and "Elsewhere Bar" not in html


def test_an_admin_lists_the_whole_tenant_only(world: World, book: Book) -> None:
    html = as_user(world.admin).get("/customers/").content.decode()
    assert all(name in html for name in ("Blue Door Bistro", "Corner Cellar", "Harbor Hotel"))
    assert "Elsewhere Bar" not in html


def test_search_narrows_the_list(world: World, book: Book) -> None:
    html = as_user(world.rep1).get("/customers/", {"search": "napa"}).content.decode()
    assert "Blue Door Bistro" in html and "Fig Tree Wines" not in html
    assert 'value="napa"' in html


def test_search_never_reaches_another_reps_customers(world: World, book: Book) -> None:
    html = as_user(world.rep1).get("/customers/", {"search": "Corner"}).content.decode()
    assert "Corner Cellar" not in html
    assert "No customers match your search" in html


def test_the_account_type_filter_narrows_the_list(world: World, book: Book) -> None:
    html = as_user(world.rep1).get("/customers/", {"account_type": "TARGET"}).content.decode()
    assert "Fig Tree Wines" in html and "Blue Door Bistro" not in html


def test_an_unknown_filter_or_sort_value_is_ignored(world: World, book: Book) -> None:
    response = as_user(world.rep1).get("/customers/", {"account_type": "BOGUS", "sort": "password"})
    assert response.status_code == 200
    assert "Blue Door Bistro" in response.content.decode()


def test_an_htmx_request_gets_only_the_results_fragment(world: World, book: Book) -> None:
    response = htmx(as_user(world.rep1), "/customers/", search="fig")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="customer-results"' in html and "Fig Tree Wines" in html
    assert "<html" not in html and 'class="topbar"' not in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_a_plain_request_gets_the_whole_page(world: World, book: Book) -> None:
    html = as_user(world.rep1).get("/customers/").content.decode()
    assert "<html" in html and 'id="customer-results"' in html and 'id="customer-search"' in html
    assert "hx-swap-oob" not in html


def test_a_history_restore_gets_the_whole_page(world: World, book: Book) -> None:
    response = as_user(world.rep1).get(
        "/customers/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_sorting_by_last_order_puts_the_latest_first_and_never_ordered_last(
    world: World, unscoped: None
) -> None:
    # The page reads dates in the tenant's time zone, which is a day behind UTC late in the evening there.
    today = tenant_today(world.acme)
    old = make_customer(world.acme, world.rep1, name="Aardvark Bar")
    recent = make_customer(world.acme, world.rep1, name="Zebra Lounge")
    make_customer(world.acme, world.rep1, name="Middle Never Ordered")
    make_order(old, order_date=today - timedelta(days=40))
    make_order(recent, order_date=today - timedelta(days=2))
    html = as_user(world.rep1).get("/customers/", {"sort": "-last_order_date"}).content.decode()
    assert html.index("Zebra Lounge") < html.index("Aardvark Bar") < html.index("Middle Never Ordered")
    assert 'aria-sort="descending"' in html
    assert "2 days ago" in html and "Never" in html


def test_pagination_slices_the_list_and_links_keep_the_search(world: World, unscoped: None) -> None:
    for n in range(30):
        make_customer(world.acme, world.rep1, name=f"Shop {n:02d}")
    client = as_user(world.rep1)
    first = client.get("/customers/", {"search": "shop"}).content.decode()
    assert "Shop 00" in first and "Shop 24" in first and "Shop 25" not in first
    assert "1\u201325 of 30 customers" in first
    assert 'href="?search=shop&amp;page=2"' in first
    second = client.get("/customers/", {"search": "shop", "page": "2"}).content.decode()
    assert "Shop 25" in second and "Shop 29" in second and "Shop 00" not in second
    beyond = client.get("/customers/", {"search": "shop", "page": "99"}).content.decode()
    assert "Shop 29" in beyond


def test_an_empty_book_says_what_to_do(world: World, book: Book) -> None:
    html = as_user(world.manager).get("/customers/", {"status": "closed"}).content.decode()
    assert "No customers with these filters" in html and "Clear filters" in html


def test_the_customer_list_runs_a_fixed_number_of_queries(
    world: World, unscoped: None, django_assert_num_queries: Any
) -> None:
    for n in range(40):
        customer = make_customer(world.acme, world.rep1 if n % 2 else world.rep2, name=f"Account {n}")
        make_order(customer)
    client = as_user(world.manager)
    # session, user, membership, manager's team; then count and one page of rows.
    with django_assert_num_queries(6):
        assert client.get("/customers/").status_code == 200
    with django_assert_num_queries(6):
        assert htmx(client, "/customers/", search="account", page=2).status_code == 200


@pytest.fixture
def rich(world: World, unscoped: None) -> Any:
    # The page reads dates in the tenant's time zone, which is a day behind UTC late in the evening there.
    today = tenant_today(world.acme)
    customer = make_customer(
        world.acme,
        world.rep1,
        name="Blue Door Bistro",
        account_number="ACC-0042",
        account_type="ACTIVE",
        phone="+1 707 555 0100",
        email="buyer@bluedoor.test",
        street="12 Vine St",
        city="Napa",
        region="CA",
        postal_code="94559",
        licence_number="47-123456",
        licence_type="on_premise",
    )
    wine = make_product(world.acme, unit_price=Decimal("120.00"))
    make_order(customer, [(wine, 2)], order_date=today - timedelta(days=12), order_number="SO-7001")
    make_order(
        customer,
        [(wine, 1)],
        order_date=today - timedelta(days=3),
        order_number="SO-7002",
        status="cancelled",
    )
    make_invoice(customer, "500.00", "100.00", invoice_number="INV-OLD",
                 issued_on=today - timedelta(days=60), due_on=today - timedelta(days=30))  # fmt: skip
    make_invoice(customer, "240.00", invoice_number="INV-NEW",
                 issued_on=today - timedelta(days=5), due_on=today + timedelta(days=25))  # fmt: skip
    make_invoice(customer, "80.00", "80.00", invoice_number="INV-PAID")
    make_activity(customer, world.rep1, kind="tasting", subject="Rioja tasting", outcome="Loved the 2019.")
    make_contact(customer, name="Maria Lopez", title="Buyer", is_primary=True)
    make_task(world.acme, world.rep1, title="Bring the new list", customer=customer, due_date=today)
    make_task(world.acme, world.rep1, title="Finished", customer=customer, status="done")
    return customer


def test_the_detail_page_shows_every_section(world: World, rich: Any) -> None:
    response = as_user(world.rep1).get(f"/customers/{rich.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Blue Door Bistro", "ACC-0042", "buyer@bluedoor.test", "12 Vine St", "47-123456",
                 "On-premise", "SO-7001", "$240.00", "12 days ago", "Rioja tasting", "Loved the 2019.",
                 "Maria Lopez", "Bring the new list", "INV-OLD", "INV-PAID"):  # fmt: skip
        assert text in html, text
    assert "Finished" not in html


def test_the_detail_page_totals_balance_due_and_overdue(world: World, rich: Any) -> None:
    response = as_user(world.rep1).get(f"/customers/{rich.pk}/")
    html = response.content.decode()
    assert 'data-testid="balance-due">$640.00<' in html
    assert 'data-testid="overdue">$400.00<' in html
    assert "1 invoice past due" in html
    assert html.count('class="table-row-danger"') == 1


def test_revenue_leaves_out_cancelled_orders(world: World, rich: Any) -> None:
    html = as_user(world.rep1).get(f"/customers/{rich.pk}/").content.decode()
    assert "$240" in html and "1 order in total" in html


def test_money_is_shown_in_the_tenants_currency(world: World, rich: Any, unscoped: None) -> None:
    world.acme.currency = "EUR"
    world.acme.save()
    html = as_user(world.rep1).get(f"/customers/{rich.pk}/").content.decode()
    assert "€640.00" in html and "$640.00" not in html


def test_another_reps_customer_is_404(world: World, rich: Any) -> None:
    assert as_user(world.rep2).get(f"/customers/{rich.pk}/").status_code == 404


def test_the_reps_manager_can_open_the_customer(world: World, rich: Any) -> None:
    assert as_user(world.manager).get(f"/customers/{rich.pk}/").status_code == 200


def test_another_tenants_customer_is_404_even_for_an_admin(world: World, book: Book) -> None:
    assert as_user(world.admin).get(f"/customers/{book.other.pk}/").status_code == 404


def test_a_missing_customer_is_404(world: World) -> None:
    assert as_user(world.admin).get("/customers/999999/").status_code == 404


def test_the_detail_page_runs_a_fixed_number_of_queries(
    world: World, rich: Any, django_assert_num_queries: Any
) -> None:
    client = as_user(world.rep1)
    # session, user, membership; then customer, stats, orders, invoices, totals, activities,
    # contacts, tasks; the rhythm line's due segment and figures; the health panel's metric
    # versions, attributes and formulas; the stored enrichment.
    with django_assert_num_queries(17):
        assert client.get(f"/customers/{rich.pk}/").status_code == 200


def test_the_not_found_page_keeps_the_navigation(world: World, book: Book) -> None:
    response = as_user(world.rep1).get(f"/customers/{book.rep2.pk}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "find that page" in html and 'aria-label="Main"' in html
