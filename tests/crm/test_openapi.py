from typing import Any

import pytest

pytestmark = pytest.mark.django_db

# Resources whose operations this suite pins; tasks and events pin their own.
PINNED_PREFIXES = (
    "/api/customers", "/api/contacts", "/api/products", "/api/orders", "/api/invoices", "/api/activities",
    "/api/quotas",
)  # fmt: skip

EXPECTED_OPERATIONS = {
    ("GET", "/api/customers"), ("POST", "/api/customers"),
    ("GET", "/api/customers/{customer_id}"), ("PATCH", "/api/customers/{customer_id}"),
    ("DELETE", "/api/customers/{customer_id}"),
    ("GET", "/api/contacts"), ("POST", "/api/contacts"),
    ("GET", "/api/contacts/{contact_id}"), ("PATCH", "/api/contacts/{contact_id}"),
    ("DELETE", "/api/contacts/{contact_id}"),
    ("GET", "/api/products"), ("POST", "/api/products"),
    ("GET", "/api/products/{product_id}"), ("PATCH", "/api/products/{product_id}"),
    ("DELETE", "/api/products/{product_id}"),
    ("GET", "/api/orders"), ("POST", "/api/orders"),
    ("GET", "/api/orders/{order_id}"), ("PATCH", "/api/orders/{order_id}"),
    ("GET", "/api/invoices"), ("POST", "/api/invoices"),
    ("GET", "/api/invoices/{invoice_id}"), ("PATCH", "/api/invoices/{invoice_id}"),
    ("DELETE", "/api/invoices/{invoice_id}"), ("POST", "/api/invoices/{invoice_id}/payments"),
    ("GET", "/api/invoices/{invoice_id}/payments"),
    ("GET", "/api/activities"), ("POST", "/api/activities"),
    ("GET", "/api/activities/{activity_id}"), ("PATCH", "/api/activities/{activity_id}"),
    ("DELETE", "/api/activities/{activity_id}"),
    ("GET", "/api/quotas"), ("POST", "/api/quotas"),
    ("GET", "/api/quotas/{quota_id}"), ("PATCH", "/api/quotas/{quota_id}"),
    ("DELETE", "/api/quotas/{quota_id}"),
    ("POST", "/api/quotas/copy-week"), ("POST", "/api/quotas/apply-forward"),
}  # fmt: skip

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def crm_operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, operations in schema["paths"].items()
        if path.startswith(PINNED_PREFIXES)
        for method, operation in operations.items()
        if method in HTTP_METHODS
    }


def test_the_schema_lists_exactly_the_expected_crm_operations(schema: dict[str, Any]) -> None:
    assert set(crm_operations(schema)) == EXPECTED_OPERATIONS


def test_every_crm_operation_has_a_summary_a_tag_and_bearer_auth(schema: dict[str, Any]) -> None:
    for key, operation in crm_operations(schema).items():
        assert operation.get("summary"), key
        assert operation.get("tags"), key
        assert any("TokenAuth" in requirement for requirement in operation.get("security", [])), key


def test_list_operations_document_paging_and_their_filters(schema: dict[str, Any]) -> None:
    operations = crm_operations(schema)

    def parameters(path: str) -> set[str]:
        return {p["name"] for p in operations[("GET", path)].get("parameters", [])}

    paging = {"page", "page_size", "search", "ordering"}
    assert paging | {"customer_id"} <= parameters("/api/contacts")
    assert paging | {"category", "active", "brand"} <= parameters("/api/products")
    assert paging | {"customer_id", "status", "rep_id", "order_date_from", "order_date_to"} <= parameters(
        "/api/orders"
    )
    assert paging | {"customer_id", "overdue", "open", "due_from", "due_to"} <= parameters("/api/invoices")
    assert paging | {"customer_id", "user_id", "kind", "occurred_from", "occurred_to"} <= parameters(
        "/api/activities"
    )
    assert paging | {"user_id", "week_start_from", "week_start_to"} <= parameters("/api/quotas")


def test_the_interactive_docs_answer_200(client: Any) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
