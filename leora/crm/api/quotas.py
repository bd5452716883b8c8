from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from leora.crm.schemas.quotas import (
    QuotaApplyForwardIn,
    QuotaBulkOut,
    QuotaCopyWeekIn,
    QuotaFilters,
    QuotaIn,
    QuotaOut,
    QuotaPatch,
)
from leora.crm.selectors.quotas import QUOTA_ORDERING, quota_get, quota_list
from leora.crm.services.quotas import (
    quota_apply_forward,
    quota_copy_week,
    quota_delete,
    quota_set,
    quota_update,
)
from leora.pagination import apply_ordering, page_of, paginate
from leora.schema_types import patch_changes
from leora.tenancy.auth import actor_of

router = Router()


@router.get("", response=page_of(QuotaOut), summary="List weekly quotas")
def list_quotas(request: HttpRequest, filters: Query[QuotaFilters]) -> dict[str, Any]:
    quotas = quota_list(
        actor=actor_of(request),
        search=filters.search,
        user_id=filters.user_id,
        week_start_from=filters.week_start_from,
        week_start_to=filters.week_start_to,
    )
    return paginate(apply_ordering(quotas, filters.ordering, QUOTA_ORDERING, "-week_start"), filters)


@router.post(
    "",
    response={200: QuotaOut, 201: QuotaOut},
    summary="Set a weekly quota (201 when new, 200 when it replaced that week's target)",
)
def set_quota(request: HttpRequest, payload: QuotaIn) -> Status[Any]:
    quota, created = quota_set(actor=actor_of(request), **payload.model_dump())
    return Status(201 if created else 200, quota)


@router.post(
    "/copy-week",
    response=QuotaBulkOut,
    summary="Copy a week's targets into another week (managers: their team; admins: everyone)",
)
def copy_week(request: HttpRequest, payload: QuotaCopyWeekIn) -> Any:
    return quota_copy_week(actor=actor_of(request), **payload.model_dump())


@router.post(
    "/apply-forward",
    response=QuotaBulkOut,
    summary="Give a person a week's target in each of the following weeks (managers and admins)",
)
def apply_forward(request: HttpRequest, payload: QuotaApplyForwardIn) -> Any:
    return quota_apply_forward(actor=actor_of(request), **payload.model_dump())


@router.get("/{quota_id}", response=QuotaOut, summary="Get a weekly quota")
def get_quota(request: HttpRequest, quota_id: int) -> Any:
    return quota_get(actor=actor_of(request), quota_id=quota_id)


@router.patch("/{quota_id}", response=QuotaOut, summary="Update a weekly quota (managers and admins)")
def update_quota(request: HttpRequest, quota_id: int, payload: QuotaPatch) -> Any:
    actor = actor_of(request)
    quota = quota_get(actor=actor, quota_id=quota_id)
    return quota_update(actor=actor, quota=quota, changes=patch_changes(payload))


@router.delete("/{quota_id}", response={204: None}, summary="Delete a weekly quota (managers and admins)")
def delete_quota(request: HttpRequest, quota_id: int) -> Status[None]:
    actor = actor_of(request)
    quota_delete(actor=actor, quota=quota_get(actor=actor, quota_id=quota_id))
    return Status(204, None)
