from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.orders import OrderFilters, OrderIn, OrderLineIn, OrderOut, OrderPatch
from leora.crm.selectors.orders import ORDER_ORDERING, order_get, order_list
from leora.crm.services.orders import LineRequest, order_create, order_update
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


def _line_requests(lines: list[OrderLineIn]) -> list[LineRequest]:
    return [LineRequest(product_id=x.product_id, quantity=x.quantity, unit_price=x.unit_price) for x in lines]


@router.get("", response=page_of(OrderOut), summary="List orders with their lines")
def list_orders(request: HttpRequest, filters: Query[OrderFilters]) -> dict[str, Any]:
    orders = order_list(
        actor=actor_of(request),
        search=filters.search,
        customer_id=filters.customer_id,
        status=filters.status,
        rep_id=filters.rep_id,
        order_date_from=filters.order_date_from,
        order_date_to=filters.order_date_to,
    )
    return paginate(apply_ordering(orders, filters.ordering, ORDER_ORDERING, "-order_date"), filters)


@router.post("", response={201: OrderOut}, summary="Create an order with its lines")
def create_order(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    data = payload.model_dump(exclude={"lines"})
    order = order_create(actor=actor_of(request), lines=_line_requests(payload.lines), **data)
    return Status(201, order)


@router.get("/{order_id}", response=OrderOut, summary="Get an order with its lines")
def get_order(request: HttpRequest, order_id: int) -> Any:
    return order_get(actor=actor_of(request), order_id=order_id)


@router.patch("/{order_id}", response=OrderOut, summary="Update an order; lines replace every line")
def update_order(request: HttpRequest, order_id: int, payload: OrderPatch) -> Any:
    actor = actor_of(request)
    order = order_get(actor=actor, order_id=order_id)
    changes = patch_changes(payload)
    if "lines" in changes:
        changes["lines"] = _line_requests(payload.lines or [])
    return order_update(actor=actor, order=order, changes=changes)
