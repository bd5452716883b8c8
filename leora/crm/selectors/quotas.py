"""Reads of weekly quotas: reps see their own, managers their team's, admins the whole tenant."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from leora.crm.models import SalesQuota
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible
from leora.tenancy.actors import Actor

QUOTA_ORDERING = {"week_start", "revenue_target", "created_at", "user__email"}


def visible_quotas(actor: Actor) -> QuerySet[SalesQuota]:
    """Return the quotas the actor may see, scoped to the actor's tenant first."""
    quotas = SalesQuota.objects.for_tenant(actor.tenant).select_related("user", "set_by")
    if actor.sees_whole_tenant:
        return quotas
    return quotas.filter(user_id__in=actor.team_user_ids)


def quota_list(
    *,
    actor: Actor,
    search: str | None = None,
    user_id: int | None = None,
    week_start_from: date | None = None,
    week_start_to: date | None = None,
) -> QuerySet[SalesQuota]:
    """Return the visible quotas, filtered; ordering is left to the caller."""
    check_range(week_start_from, week_start_to, low_field="week_start_from", high_field="week_start_to")
    quotas = visible_quotas(actor)
    if search:
        term = search.strip()
        quotas = quotas.filter(Q(user__email__icontains=term) | Q(user__full_name__icontains=term))
    if user_id is not None:
        quotas = quotas.filter(user_id=user_id)
    if week_start_from is not None:
        quotas = quotas.filter(week_start__gte=week_start_from)
    if week_start_to is not None:
        quotas = quotas.filter(week_start__lte=week_start_to)
    return quotas


def quota_get(*, actor: Actor, quota_id: int) -> SalesQuota:
    """Return one visible quota; another tenant's or another team's answers NotFound."""
    return get_visible(visible_quotas(actor), quota_id, "quota")
