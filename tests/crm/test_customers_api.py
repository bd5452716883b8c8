from typing import Any

import pytest

from leora.crm.models import Customer
from leora.tenancy.models import AuditEvent
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import make_customer, make_order, make_product

pytestmark = pytest.mark.django_db


def names(response: Any) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


def test_a_rep_lists_only_their_own_customers(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/customers")
    assert response.status_code == 200
    assert names(response) == {"Blue Door Bistro", "Fig Tree Wines"}
    assert response.json()["total"] == 2


def test_a_manager_lists_their_teams_customers(world: World, book: Book, api_as: Any) -> None:
    assert names(api_as(world.manager).get("/api/customers")) == {
        "Blue Door Bistro",
        "Fig Tree Wines",
        "Corner Cellar",
    }


def test_an_admin_lists_the_whole_tenant_and_nothing_else(world: World, book: Book, api_as: Any) -> None:
    assert names(api_as(world.admin).get("/api/customers")) == {
        "Blue Door Bistro",
        "Fig Tree Wines",
        "Corner Cellar",
        "Harbor Hotel",
    }


def test_another_tenants_customer_answers_404(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.admin).get(f"/api/customers/{book.other.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "customer not found"


def test_another_reps_customer_answers_404_for_a_rep(world: World, book: Book, api_as: Any) -> None:
    assert api_as(world.rep1).get(f"/api/customers/{book.rep2.pk}").status_code == 404
    assert api_as(world.rep1).patch(f"/api/customers/{book.rep2.pk}", {"name": "x"}).status_code == 404


def test_a_request_without_a_token_answers_401(world: World, client: Any) -> None:
    response = client.get("/api/customers")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_wrong_token_answers_401(world: World, book: Book, client: Any) -> None:
    response = client.get("/api/customers", headers={"Authorization": "Bearer leora_deadbeef_nope"})
    assert response.status_code == 401


def test_search_matches_name_and_account_number(world: World, book: Book, api_as: Any) -> None:
    admin = api_as(world.admin)
    assert names(admin.get("/api/customers", search="cellar")) == {"Corner Cellar"}
    number = book.rep3.account_number
    assert names(admin.get("/api/customers", search=number)) == {"Harbor Hotel"}


def test_pagination_reports_total_and_slices(world: World, book: Book, api_as: Any) -> None:
    body = api_as(world.admin).get("/api/customers", page=2, page_size=2, ordering="name").json()
    assert body["total"] == 4
    assert (body["page"], body["page_size"]) == (2, 2)
    assert [item["name"] for item in body["items"]] == ["Fig Tree Wines", "Harbor Hotel"]


def test_page_size_over_200_is_rejected_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/customers", page_size=500)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page_size"


def test_unknown_ordering_is_rejected_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.admin).get("/api/customers", ordering="password")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_filter_by_account_type(world: World, api_as: Any, unscoped: None) -> None:
    make_customer(world.acme, world.rep1, name="Active One", account_type="ACTIVE")
    make_customer(world.acme, world.rep1, name="Prospect One", account_type="PROSPECT")
    assert names(api_as(world.rep1).get("/api/customers", account_type="ACTIVE")) == {"Active One"}


def test_create_assigns_a_reps_new_customer_to_themselves(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/customers", {"name": "New Taproom", "account_type": "TARGET"})
    assert response.status_code == 201
    body = response.json()
    assert body["assigned_rep"]["email"] == "rep1@acme.test"
    assert body["account_number"].startswith("C")
    created = Customer.objects.for_tenant(world.acme).get(pk=body["id"])
    assert created.name == "New Taproom"
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="customer.create")
    assert audit.object_id == str(created.pk) and audit.actor == world.rep1


def test_create_without_a_name_is_422_naming_the_field_and_writes_nothing(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/customers", {"account_type": "ACTIVE"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert Customer.objects.for_tenant(world.acme).count() == 0
    assert not AuditEvent.objects.for_tenant(world.acme).filter(object_type="customer").exists()


def test_create_with_a_blank_name_is_422(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/customers", {"name": "   "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_create_with_a_bad_account_type_is_422(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post("/api/customers", {"name": "X", "account_type": "VIP"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "account_type"


def test_a_duplicate_account_number_is_409(world: World, book: Book, api_as: Any) -> None:
    number = book.rep1.account_number
    response = api_as(world.admin).post("/api/customers", {"name": "Dup", "account_number": number})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "account_number"


def test_an_account_number_of_another_tenant_may_be_reused(world: World, book: Book, api_as: Any) -> None:
    number = book.other.account_number
    response = api_as(world.admin).post("/api/customers", {"name": "Same number", "account_number": number})
    assert response.status_code == 201


def test_a_rep_cannot_assign_a_customer_to_another_rep(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post("/api/customers", {"name": "X", "assigned_rep_id": world.rep2.pk})
    assert response.status_code == 403
    assert Customer.objects.for_tenant(world.acme).count() == 0


def test_assigning_to_a_user_of_another_tenant_is_422(world: World, api_as: Any) -> None:
    response = api_as(world.admin).post(
        "/api/customers", {"name": "X", "assigned_rep_id": world.other_rep.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "assigned_rep_id"


def test_a_manager_reassigns_within_the_team(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.manager).patch(
        f"/api/customers/{book.rep1.pk}", {"assigned_rep_id": world.rep2.pk}
    )
    assert response.status_code == 200
    assert response.json()["assigned_rep"]["email"] == "rep2@acme.test"


def test_patch_changes_only_given_fields_and_audits_before_and_after(
    world: World, book: Book, api_as: Any
) -> None:
    customer = book.rep1
    response = api_as(world.rep1).patch(f"/api/customers/{customer.pk}", {"city": "Portland"})
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.city, customer.name) == ("Portland", "Blue Door Bistro")
    audit = AuditEvent.objects.for_tenant(world.acme).get(action="customer.update")
    assert audit.before["city"] == "Napa" and audit.after["city"] == "Portland"


def test_a_patch_that_changes_nothing_writes_no_audit_event(world: World, book: Book, api_as: Any) -> None:
    api_as(world.rep1).patch(f"/api/customers/{book.rep1.pk}", {"name": "Blue Door Bistro"})
    assert not AuditEvent.objects.for_tenant(world.acme).filter(action="customer.update").exists()


def test_patch_rejects_null_for_a_required_field(world: World, book: Book, api_as: Any) -> None:
    response = api_as(world.rep1).patch(f"/api/customers/{book.rep1.pk}", {"name": None})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "cannot be null"}]


def test_only_an_admin_deletes_a_customer(world: World, book: Book, api_as: Any) -> None:
    customer = book.rep1
    assert api_as(world.rep1).delete(f"/api/customers/{customer.pk}").status_code == 403
    assert api_as(world.admin).delete(f"/api/customers/{customer.pk}").status_code == 204
    assert not Customer.objects.for_tenant(world.acme).filter(pk=customer.pk).exists()


def test_a_customer_with_orders_cannot_be_deleted(
    world: World, book: Book, api_as: Any, unscoped: None
) -> None:
    customer = book.rep1
    make_order(customer, [(make_product(world.acme), 2)])
    response = api_as(world.admin).delete(f"/api/customers/{customer.pk}")
    assert response.status_code == 409
    assert Customer.objects.for_tenant(world.acme).filter(pk=customer.pk).exists()


def test_the_list_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, unscoped: None, django_assert_num_queries: Any
) -> None:
    for _ in range(30):
        make_customer(world.acme, world.rep1)
    client = api_as(world.rep1)
    # token lookup, its last-used stamp, membership, count, page (rep joined): more customers must not
    # add queries.
    with django_assert_num_queries(5):
        assert client.get("/api/customers", page_size=30).status_code == 200


def test_an_email_on_a_reserved_test_domain_is_accepted_and_a_malformed_one_is_422(
    world: World, api_as: Any
) -> None:
    admin = api_as(world.admin)
    assert admin.post("/api/customers", {"name": "A", "email": "orders@venue.test"}).status_code == 201
    response = admin.post("/api/customers", {"name": "B", "email": "not-an-email"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"


def test_the_customer_search_matches_a_phone_number_however_it_is_written(
    world: World, api_as: Any, unscoped: None
) -> None:
    # The top bar's "see all" opens the customer list with the same text: both find the number.
    make_customer(world.acme, world.rep1, name="Phone Match Bistro", phone="+1 (415) 555-0103")
    for text in ("415 555 0103", "5550103", "555-0103"):
        names = [c["name"] for c in api_as(world.rep1).get("/api/customers", search=text).json()["items"]]
        assert names == ["Phone Match Bistro"], text
