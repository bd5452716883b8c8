from django.http import HttpRequest
from ninja import Query, Router

from leora.crm.schemas.search import SearchOut, SearchParams
from leora.crm.selectors.search import SearchResults, search
from leora.tenancy.auth import actor_of

router = Router()


@router.get(
    "",
    response=SearchOut,
    summary="Search customers, contacts, orders and products",
    description="The top bar's search: customers by name, account number, licence number or phone; contacts "
    "by name, email or phone; orders by number; products by name, SKU or brand. Scoped like the lists "
    "(a rep finds only their own customers, contacts and orders); products are the whole catalogue.",
)
def search_everything(request: HttpRequest, params: Query[SearchParams]) -> SearchResults:
    return search(actor=actor_of(request), text=params.q, limit=params.limit)
