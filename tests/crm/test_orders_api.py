from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leora.crm.models import Customer, Order, OrderLine, Product
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_customer, make_order, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def wines(world: World, unscoped: None) -> dict[str, Product]:
    return {
        "pinot": make_product(world.acme, sku="W-PN", name="Pinot Noir", unit_price=Decimal("20.00")),
        "rose": make_product(world.acme, sku="W-RO", name="Rosé", unit_price=Decimal("12.50")),
        "retired": make_product(world.acme, sku="W-OLD", name="Old Vintage", active=False),
        "other": make_product(world.other, sku="W-X", name="Elsewhere Red"),
    }


@pytest.fixture
def orders(book: Book, wines: Any, unscoped: None) -> dict[str, Order]:
    march = {"rep1": date(2026, 3, 2), "rep2": date(2026, 3, 9), "rep3": date(2026, 3, 16)}
    return {
        "rep1": make_order(book.rep1, [(wines["pinot"], 2)], order_date=march["rep1"], order_number="A-1"),
        "rep2": make_order(book.rep2, [(wines["rose"], 1)], order_date=march["rep2"], order_number="A-2"),
        "rep3": make_order(book.rep3, [(wines["rose"], 4)], order_date=march["rep3"], order_number="A-3"),
        "other": make_order(book.other, [(wines["other"], 1)], order_number="B-1"),
    }


def numbers(response: Any) -> set[str]:
    return {item["order_number"] for item in response.json()["items"]}


def new_order(customer: Customer, *lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"customer_id": customer.pk, "lines": list(lines), **fields}


def test_a_rep_lists_only_orders_of_their_own_customers(world: World, orders: Any, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/orders")
    assert response.status_code == 200
    assert numbers(response) == {"A-1"}


def test_a_manager_lists_their_teams_orders(world: World, orders: Any, api_as: Any) -> None:
    assert numbers(api_as(world.manager).get("/api/orders")) == {"A-1", "A-2"}


def test_an_admin_lists_the_whole_tenant_newest_first(world: World, orders: Any, api_as: Any) -> None:
    items = api_as(world.admin).get("/api/orders").json()["items"]
    assert [item["order_number"] for item in items] == ["A-3", "A-2", "A-1"]


def test_an_order_shows_its_lines_with_product_and_totals(world: World, orders: Any, api_as: Any) -> None:
    body = api_as(world.rep1).get(f"/api/orders/{orders['rep1'].pk}").json()
    assert body["total"] == "40.00"
    assert body["customer"]["name"] == "Blue Door Bistro"
    [line] = body["lines"]
    assert (line["sku"], line["name"], line["quantity"]) == ("W-PN", "Pinot Noir", 2)
    assert (line["unit_price"], line["line_total"]) == ("20.00", "40.00")


def test_another_tenants_order_answers_404(world: World, orders: Any, api_as: Any) -> None:
    response = api_as(world.admin).get(f"/api/orders/{orders['other'].pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "order not found"
    assert api_as(world.admin).patch(f"/api/orders/{orders['other'].pk}", {"notes": "x"}).status_code == 404


def test_another_reps_order_answers_404_for_a_rep(world: World, orders: Any, api_as: Any) -> None:
    client = api_as(world.rep1)
    assert client.get(f"/api/orders/{orders['rep2'].pk}").status_code == 404
    assert client.patch(f"/api/orders/{orders['rep2'].pk}", {"notes": "x"}).status_code == 404


def test_filters_by_status_customer_and_date_range(
    world: World, orders: Any, book: Book, api_as: Any
) -> None:
    admin = api_as(world.admin)
    assert numbers(admin.get("/api/orders", customer_id=book.rep2.pk)) == {"A-2"}
    assert numbers(admin.get("/api/orders", status="submitted")) == {"A-1", "A-2", "A-3"}
    assert numbers(admin.get("/api/orders", status="draft")) == set()
    in_range = admin.get("/api/orders", order_date_from="2026-03-05", order_date_to="2026-03-16")
    assert numbers(in_range) == {"A-2", "A-3"}


def test_filter_by_rep(world: World, book: Book, wines: Any, api_as: Any, unscoped: None) -> None:
    make_order(book.rep1, [(wines["pinot"], 1)], order_number="R-1", rep=world.rep1)
    make_order(book.rep1, [(wines["pinot"], 1)], order_number="R-2", rep=world.manager)
    assert numbers(api_as(world.admin).get("/api/orders", rep_id=world.rep1.pk)) == {"R-1"}


def test_an_inverted_date_range_is_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get(
        "/api/orders", order_date_from="2026-03-10", order_date_to="2026-03-01"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "order_date_from"


def test_search_matches_order_number_and_customer_name(world: World, orders: Any, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert numbers(admin.get("/api/orders", search="a-2")) == {"A-2"}
    assert numbers(admin.get("/api/orders", search="harbor")) == {"A-3"}


def test_ordering_by_total(world: World, orders: Any, api_as: Any) -> None:
    items = api_as(world.admin).get("/api/orders", ordering="-total").json()["items"]
    assert [item["total"] for item in items] == ["50.00", "40.00", "12.50"]


def test_a_rep_creates_an_order_priced_from_the_catalogue(
    world: World, book: Book, wines: Any, api_as: Any
) -> None:
    payload = new_order(
        book.rep1,
        {"product_id": wines["pinot"].pk, "quantity": 3},
        {"product_id": wines["rose"].pk, "quantity": 2, "unit_price": "11.00"},
        total="1.00",
    )
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 201
    body = response.json()
    assert body["total"] == "82.00"
    assert [line["line_total"] for line in body["lines"]] == ["60.00", "22.00"]
    assert body["rep"]["email"] == "rep1@acme.test"
    assert body["status"] == "submitted"
    order = Order.objects.for_tenant(world.acme).get(pk=body["id"])
    assert order.total == Decimal("82.00")
    assert OrderLine.objects.for_tenant(world.acme).filter(order=order).count() == 2


def test_a_created_order_is_audited_with_its_lines(world: World, book: Book, wines: Any, api_as: Any) -> None:
    payload = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 1})
    order_id = api_as(world.rep1).post("/api/orders", payload).json()["id"]
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="order.create")
    assert audit.object_id == str(order_id) and audit.actor == world.rep1
    assert audit.after["total"] == "20.00"
    assert audit.after["lines"] == [
        {"product_id": wines["pinot"].pk, "quantity": 1, "unit_price": "20.00", "line_total": "20.00"}
    ]


def test_order_numbers_are_generated_per_tenant(
    world: World, book: Book, wines: Any, api_as: Any, unscoped: None
) -> None:
    payload = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 1})
    first = api_as(world.rep1).post("/api/orders", payload).json()["order_number"]
    second = api_as(world.rep1).post("/api/orders", payload).json()["order_number"]
    assert (first, second) == ("SO-000001", "SO-000002")
    elsewhere = make_customer(world.other, world.other_rep)
    theirs = new_order(elsewhere, {"product_id": wines["other"].pk, "quantity": 1})
    assert api_as(world.other_rep).post("/api/orders", theirs).json()["order_number"] == "SO-000001"


def test_a_managers_order_defaults_to_the_accounts_rep(
    world: World, book: Book, wines: Any, api_as: Any
) -> None:
    payload = new_order(book.rep2, {"product_id": wines["rose"].pk, "quantity": 1})
    body = api_as(world.manager).post("/api/orders", payload).json()
    assert body["rep"]["email"] == "rep2@acme.test"


def test_a_duplicate_order_number_is_409_and_writes_nothing(
    world: World, orders: Any, book: Book, wines: Any, api_as: Any
) -> None:
    payload = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 1}, order_number="A-1")
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "order_number"
    assert Order.objects.for_tenant(world.acme).count() == 3


def test_another_tenants_product_is_422_naming_the_line(
    world: World, book: Book, wines: Any, api_as: Any
) -> None:
    payload = new_order(
        book.rep1,
        {"product_id": wines["pinot"].pk, "quantity": 1},
        {"product_id": wines["other"].pk, "quantity": 1},
    )
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lines.1.product_id"]
    assert Order.objects.for_tenant(world.acme).count() == 0
    assert not AuditEvent.objects.for_tenant(world.acme).filter(object_type="order").exists()


def test_an_inactive_product_cannot_be_ordered(world: World, book: Book, wines: Any, api_as: Any) -> None:
    payload = new_order(book.rep1, {"product_id": wines["retired"].pk, "quantity": 1})
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.product_id"


def test_another_reps_customer_is_422_naming_customer_id(
    world: World, book: Book, wines: Any, api_as: Any
) -> None:
    payload = new_order(book.rep2, {"product_id": wines["pinot"].pk, "quantity": 1})
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer_id"
    assert Order.objects.for_tenant(world.acme).count() == 0


def test_a_zero_quantity_is_422_naming_the_line(world: World, book: Book, wines: Any, api_as: Any) -> None:
    payload = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 0})
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.quantity"


def test_an_order_without_lines_is_422(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/orders", new_order(book.rep1))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines"


def test_a_new_order_cannot_be_cancelled(world: World, book: Book, wines: Any, api_as: Any) -> None:
    payload = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 1}, status="cancelled")
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


def test_a_rep_cannot_credit_an_order_to_another_rep(
    world: World, book: Book, orders: Any, wines: Any, api_as: Any
) -> None:
    payload = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 1}, rep_id=world.rep2.pk)
    assert api_as(world.rep1).post("/api/orders", payload).status_code == 403
    response = api_as(world.rep1).patch(f"/api/orders/{orders['rep1'].pk}", {"rep_id": world.rep2.pk})
    assert response.status_code == 403
    orders["rep1"].refresh_from_db()
    assert orders["rep1"].rep_id is None


def test_patch_replaces_lines_recomputes_the_total_and_audits(
    world: World, orders: Any, wines: Any, api_as: Any
) -> None:
    order = orders["rep1"]
    response = api_as(world.rep1).patch(
        f"/api/orders/{order.pk}", {"lines": [{"product_id": wines["rose"].pk, "quantity": 4}]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "50.00"
    assert [line["sku"] for line in body["lines"]] == ["W-RO"]
    order.refresh_from_db()
    assert order.total == Decimal("50.00")
    assert OrderLine.objects.for_tenant(world.acme).filter(order=order).count() == 1
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="order.update")
    assert audit.before["total"] == "40.00" and audit.after["total"] == "50.00"
    assert audit.after["lines"][0]["product_id"] == wines["rose"].pk


def test_patch_changes_status_notes_and_date(world: World, orders: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(
        f"/api/orders/{orders['rep1'].pk}",
        {"status": "fulfilled", "notes": "Left with the bar manager", "order_date": "2026-03-03"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["notes"], body["order_date"]) == (
        "fulfilled",
        "Left with the bar manager",
        "2026-03-03",
    )
    assert body["total"] == "40.00"


def test_a_bad_line_in_a_patch_changes_nothing(world: World, orders: Any, wines: Any, api_as: Any) -> None:
    order = orders["rep1"]
    response = api_as(world.rep1).patch(
        f"/api/orders/{order.pk}",
        {"notes": "new", "lines": [{"product_id": wines["other"].pk, "quantity": 1}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.product_id"
    order.refresh_from_db()
    assert (order.notes, order.total) == ("", Decimal("40.00"))
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="order.update").exists()


def test_a_cancelled_order_cannot_be_edited(world: World, orders: Any, api_as: Any) -> None:
    client = api_as(world.rep1)
    assert client.patch(f"/api/orders/{orders['rep1'].pk}", {"status": "cancelled"}).status_code == 200
    for change in ({"notes": "x"}, {"status": "submitted"}, {"order_date": "2026-01-01"}):
        response = client.patch(f"/api/orders/{orders['rep1'].pk}", change)
        assert response.status_code == 409
    orders["rep1"].refresh_from_db()
    assert (orders["rep1"].status, orders["rep1"].notes) == ("cancelled", "")


def test_a_fulfilled_orders_lines_cannot_be_replaced(
    world: World, orders: Any, wines: Any, api_as: Any
) -> None:
    client = api_as(world.rep1)
    client.patch(f"/api/orders/{orders['rep1'].pk}", {"status": "fulfilled"})
    response = client.patch(
        f"/api/orders/{orders['rep1'].pk}", {"lines": [{"product_id": wines["rose"].pk, "quantity": 1}]}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "lines"


def test_a_patch_that_changes_nothing_writes_no_audit_event(
    world: World, orders: Any, wines: Any, api_as: Any
) -> None:
    same = {"notes": "", "lines": [{"product_id": wines["pinot"].pk, "quantity": 2}]}
    assert api_as(world.rep1).patch(f"/api/orders/{orders['rep1'].pk}", same).status_code == 200
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="order.update").exists()


def test_patch_rejects_null_for_a_required_field(world: World, orders: Any, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/orders/{orders['rep1'].pk}", {"status": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "status", "message": "cannot be null"}]


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, book: Book, wines: Any, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for _ in range(20):
        make_order(book.rep1, [(wines["pinot"], 1), (wines["rose"], 2)], rep=world.rep1)
    client = api_as(world.manager)
    # token, its last-use stamp, membership, team, count, page (customer and rep joined), lines
    # (products joined): more orders or lines add no queries.
    with django_assert_num_queries(7):
        body = client.get("/api/orders", page_size=20).json()
    assert len(body["items"]) == 20 and all(len(item["lines"]) == 2 for item in body["items"])


def test_creating_an_order_costs_the_same_queries_for_one_line_or_many(
    world: World, book: Book, wines: Any, api_as: Any
) -> None:
    client = api_as(world.rep1)
    one = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 1})
    many = new_order(book.rep1, *({"product_id": wines["rose"].pk, "quantity": n} for n in range(1, 9)))
    client.post("/api/orders", one)  # the token's first use stamps it once; keep that out of the count
    with CaptureQueriesContext(connection) as one_line:
        assert client.post("/api/orders", one).status_code == 201
    with CaptureQueriesContext(connection) as eight_lines:
        assert client.post("/api/orders", many).status_code == 201
    assert len(eight_lines.captured_queries) == len(one_line.captured_queries)


def test_a_generated_number_taken_by_a_concurrent_order_is_redrawn(
    world: World, orders: Any, book: Book, wines: Any, api_as: Any, monkeypatch: Any
) -> None:
    # Simulate losing the race: the first number drawn is committed by someone else before our insert.
    drawn = iter(["A-1", "SO-000042"])
    monkeypatch.setattr("leora.crm.services.common.next_free_number", lambda *args: next(drawn))
    payload = new_order(book.rep1, {"product_id": wines["pinot"].pk, "quantity": 1})
    response = api_as(world.rep1).post("/api/orders", payload)
    assert response.status_code == 201
    assert response.json()["order_number"] == "SO-000042"
    assert Order.objects.for_tenant(world.acme).count() == 4
