from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.invoices import (
    InvoiceFilters,
    InvoiceIn,
    InvoiceOut,
    InvoicePatch,
    PaymentIn,
    PaymentOut,
)
from leora.crm.selectors.invoices import (
    INVOICE_ORDERING,
    PAYMENT_ORDERING,
    invoice_get,
    invoice_list,
    invoice_payment_list,
)
from leora.crm.services.invoices import invoice_create, invoice_delete, invoice_payment_record, invoice_update
from leora.pagination import ListParams, apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(InvoiceOut), summary="List invoices with balances and aging")
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]) -> dict[str, Any]:
    invoices = invoice_list(
        actor=actor_of(request),
        search=filters.search,
        customer_id=filters.customer_id,
        order_id=filters.order_id,
        overdue=filters.overdue,
        open=filters.open,
        due_from=filters.due_from,
        due_to=filters.due_to,
    )
    return paginate(apply_ordering(invoices, filters.ordering, INVOICE_ORDERING, "due_on"), filters)


@router.post("", response={201: InvoiceOut}, summary="Create an invoice (admins and managers)")
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> Status[Any]:
    return Status(201, invoice_create(actor=actor_of(request), **payload.model_dump()))


@router.get("/{invoice_id}", response=InvoiceOut, summary="Get an invoice")
def get_invoice(request: HttpRequest, invoice_id: int) -> Any:
    return invoice_get(actor=actor_of(request), invoice_id=invoice_id)


@router.patch("/{invoice_id}", response=InvoiceOut, summary="Correct an invoice (admins and managers)")
def update_invoice(request: HttpRequest, invoice_id: int, payload: InvoicePatch) -> Any:
    actor = actor_of(request)
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    return invoice_update(actor=actor, invoice=invoice, changes=patch_changes(payload))


@router.post("/{invoice_id}/payments", response=InvoiceOut, summary="Record a payment (admins and managers)")
def record_payment(request: HttpRequest, invoice_id: int, payload: PaymentIn) -> Any:
    actor = actor_of(request)
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    return invoice_payment_record(actor=actor, invoice=invoice, **payload.model_dump())


@router.get(
    "/{invoice_id}/payments",
    response=page_of(PaymentOut),
    summary="List an invoice's payments (search: the reference)",
)
def list_payments(request: HttpRequest, invoice_id: int, params: Query[ListParams]) -> dict[str, Any]:
    actor = actor_of(request)
    invoice = invoice_get(actor=actor, invoice_id=invoice_id)
    payments = invoice_payment_list(actor=actor, invoice=invoice, search=params.search)
    return paginate(apply_ordering(payments, params.ordering, PAYMENT_ORDERING, "paid_on"), params)


@router.delete("/{invoice_id}", response={204: None}, summary="Delete an unpaid invoice (admins)")
def delete_invoice(request: HttpRequest, invoice_id: int) -> Status[None]:
    actor = actor_of(request)
    invoice_delete(actor=actor, invoice=invoice_get(actor=actor, invoice_id=invoice_id))
    return Status(204, None)
