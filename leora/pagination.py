"""Paginated list responses: ``{"items": [...], "total": N, "page": P, "page_size": S}``."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model

from leora.errors import InvalidInput

MAX_PAGE = 1_000_000_000
MAX_PAGE_SIZE = 200


class ListParams(Schema):
    # Bounded so that the offset (page - 1) * page_size always fits the databases' 64-bit integers.
    page: int = Field(1, ge=1, le=MAX_PAGE, description=f"1-based page number, at most {MAX_PAGE}")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"rows per page, at most {MAX_PAGE_SIZE}")
    search: str | None = Field(None, description="case-insensitive text search")
    ordering: str | None = Field(None, description="a field name, prefixed with - for descending")


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """Return the paginated response schema for ``item_schema`` (one class per item type)."""
    name = item_schema.__name__.removesuffix("Out") + "Page"
    return create_model(
        name,
        __base__=Schema,
        items=(list[item_schema], ...),  # type: ignore[valid-type]
        total=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
    )


def apply_ordering(
    queryset: QuerySet[Any], ordering: str | None, allowed: set[str], default: str
) -> QuerySet[Any]:
    """Order by a whitelisted field (``name`` or ``-name``); anything else is a 422 naming the field."""
    if not ordering:
        return queryset.order_by(default, "pk")
    if ordering.lstrip("-") not in allowed:
        raise InvalidInput.on(
            "ordering", f"cannot order by {ordering!r}; choose one of {', '.join(sorted(allowed))}"
        )
    return queryset.order_by(ordering, "pk")


def paginate(queryset: QuerySet[Any], params: ListParams) -> dict[str, Any]:
    """Slice ``queryset`` to the requested page; a page past the end is empty, not an error."""
    total = queryset.count()
    start = (params.page - 1) * params.page_size
    items = list(queryset[start : start + params.page_size])
    return {"items": items, "total": total, "page": params.page, "page_size": params.page_size}
