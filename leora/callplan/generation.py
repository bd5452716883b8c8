"""Building the proposal: which accounts each rep should contact this week, why, and what they are worth.

For a set of reps at once (the Monday job plans the whole tenant) every metric reason is one query
over the reps' books through ``metric_customers``, the tasks and events one query each, and the
expected values one windowed query over the accounts that made the cut; the writes are a few bulk
statements per plan. Nothing here knows a threshold: the segments are the tenant's metric definitions.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from leora.callplan.models import CallPlan, CallPlanItem, ItemSource, PlanAction
from leora.callplan.reasons import Ranking, ranking_of
from leora.crm.models import OPEN_TASK_STATUSES, CalendarEvent, Customer, Order, OrderStatus, Task
from leora.crm.visibility import visible_customers
from leora.errors import InvalidInput, NotFound
from leora.metrics.evaluation import current_version, metric_customers
from leora.notifications.services import notification_create
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_midnight, tenant_today, week_start
from leora.tenancy.models import Membership, Role, Tenant, User

# The expected value of a visit is the median of the account's last orders: robust to one big order.
EXPECTED_VALUE_ORDERS = 12
_CHUNK = 2000


@dataclass
class Candidate:
    customer_id: int
    name: str
    lifetime_revenue: Decimal
    reasons: dict[str, dict[str, Any]] = field(default_factory=dict)
    event: CalendarEvent | None = None


def evaluation_day(tenant: Tenant, monday: date) -> date:
    """The day the metrics are read for: today within the planned week, else its Monday."""
    today = tenant_today(tenant)
    return today if monday <= today <= monday + timedelta(days=6) else monday


def planners(tenant: Tenant, user_ids: Iterable[int] | None = None) -> list[User]:
    """The people to plan for: the ones named, else every active member with accounts in their book."""
    members = Membership.objects.filter(tenant=tenant, user__is_active=True).select_related("user")
    if user_ids is not None:
        members = members.filter(user_id__in=list(user_ids))
    else:
        with_books = Customer.objects.for_tenant(tenant).filter(assigned_rep__isnull=False)
        members = members.filter(user_id__in=with_books.values("assigned_rep_id"))
    return [m.user for m in members.order_by("user_id")]


def reading_scope(tenant: Tenant, people: list[User]) -> Actor:
    """A reading scope over exactly these people's books (never used for writes)."""
    return Actor(
        tenant=tenant, user=people[0], role=Role.SALES_REP,
        team_user_ids=frozenset(p.pk for p in people), narrowed=True,
    )  # fmt: skip


def _segment_members(
    tenant: Tenant, codes: tuple[str, ...], scope: Actor, day: date
) -> tuple[set[int], list[dict[str, Any]]] | None:
    """The customers in every one of ``codes`` and the metrics that said so; None when a code is
    missing or not a segment (the reason then holds for nobody rather than for a guess of ours)."""
    members: set[int] | None = None
    used = []
    for code in codes:
        try:
            ids = set(metric_customers(tenant, code, scope, today=day).values_list("pk", flat=True))
        except (NotFound, InvalidInput):
            return None
        version = current_version(tenant, code)
        used.append({"code": code, "version": version.version if version else None})
        members = ids if members is None else members & ids
    return (members or set()), used


def collect_candidates(
    tenant: Tenant, people: list[User], monday: date, ranking: Ranking, day: date
) -> dict[int, dict[int, Candidate]]:
    """Return, per rep id, the accounts of their book with at least one reason this week."""
    scope = reading_scope(tenant, people)
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for reason in ranking.reasons:
        if not reason.from_metrics or reason.weight <= 0:
            continue
        result = _segment_members(tenant, reason.metrics, scope, day)
        if result is None:
            continue
        ids, used = result
        for customer_id in ids:
            found[customer_id][reason.key] = {"metrics": used}

    sunday = monday + timedelta(days=6)
    person_ids = [p.pk for p in people]
    events: dict[int, CalendarEvent] = {}
    if ranking.get("event_booked").weight > 0:
        booked = (
            CalendarEvent.objects.for_tenant(tenant)
            .filter(
                user_id__in=person_ids,
                customer__assigned_rep_id=F("user_id"),
                starts_at__gte=tenant_midnight(tenant, monday),
                starts_at__lt=tenant_midnight(tenant, monday + timedelta(days=7)),
            )
            .order_by("starts_at", "pk")
        )
        for event in booked:
            assert event.customer_id is not None
            if event.customer_id not in events:
                events[event.customer_id] = event
                local = timezone.localtime(event.starts_at, tenant.tzinfo)
                found[event.customer_id]["event_booked"] = {
                    "event_id": event.pk, "title": event.title, "starts_at": local.isoformat(),
                }  # fmt: skip
    if ranking.get("task_due").weight > 0:
        tasks = (
            Task.objects.for_tenant(tenant)
            .filter(
                assigned_to_id__in=person_ids,
                status__in=OPEN_TASK_STATUSES,
                customer__assigned_rep_id=F("assigned_to_id"),
                due_date__lte=sunday,
            )
            .order_by("due_date", "pk")
            .values("pk", "customer_id", "title", "due_date")
        )
        for task in tasks:
            entry = found[task["customer_id"]].setdefault("task_due", {"tasks": []})
            entry["tasks"].append(
                {"id": task["pk"], "title": task["title"], "due_date": task["due_date"].isoformat()}
            )

    by_rep: dict[int, dict[int, Candidate]] = defaultdict(dict)
    found_ids = list(found)
    for start in range(0, len(found_ids), _CHUNK):
        rows = (
            visible_customers(scope)
            .filter(pk__in=found_ids[start : start + _CHUNK])
            .values("pk", "name", "assigned_rep_id", "facts__lifetime_revenue")
        )
        for row in rows:
            by_rep[row["assigned_rep_id"]][row["pk"]] = Candidate(
                customer_id=row["pk"],
                name=row["name"],
                lifetime_revenue=row["facts__lifetime_revenue"] or Decimal("0"),
                reasons=found[row["pk"]],
                event=events.get(row["pk"]),
            )
    return by_rep


def expected_values(tenant: Tenant, customer_ids: list[int]) -> dict[int, Decimal]:
    """Return each customer's expected order value: the median total of their last 12 orders that
    were not cancelled (0 for an account that never ordered)."""
    values: dict[int, list[Decimal]] = defaultdict(list)
    for start in range(0, len(customer_ids), _CHUNK):
        recent = (
            Order.objects.for_tenant(tenant)
            .filter(customer_id__in=customer_ids[start : start + _CHUNK])
            .exclude(status=OrderStatus.CANCELLED)
            .annotate(
                recency=Window(
                    RowNumber(),
                    partition_by=[F("customer_id")],
                    order_by=[F("order_date").desc(), F("pk").desc()],
                )
            )
            .filter(recency__lte=EXPECTED_VALUE_ORDERS)
            .values_list("customer_id", "total")
        )
        for customer_id, total in recent:
            values[customer_id].append(total)
    return {
        customer_id: Decimal(statistics.median(totals)).quantize(Decimal("0.01"))
        for customer_id, totals in values.items()
    }


def score_of(ranking: Ranking, reasons: dict[str, dict[str, Any]]) -> float:
    return sum(ranking.get(key).weight for key in reasons)


def reasons_json(ranking: Ranking, reasons: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons as stored on an item, heaviest first, each naming what it came from."""
    rows = []
    for reason in ranking.reasons:
        if reason.key in reasons:
            rows.append(
                {"reason": reason.key, "label": reason.label, "weight": reason.weight, "metrics": [],
                 **reasons[reason.key]}
            )  # fmt: skip
    return sorted(rows, key=lambda row: -row["weight"])


def action_of(ranking: Ranking, reasons: dict[str, dict[str, Any]]) -> str:
    """The suggested action: that of the heaviest reason."""
    heaviest = max((ranking.get(key) for key in reasons), key=lambda r: r.weight, default=None)
    return heaviest.action if heaviest is not None else PlanAction.CALL


def ranked(ranking: Ranking, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Heaviest reasons first; among equals the larger lifetime revenue, then the name."""
    return sorted(
        candidates,
        key=lambda c: (-score_of(ranking, c.reasons), -c.lifetime_revenue, c.name.lower(), c.customer_id),
    )


def _write_plan(
    *,
    tenant: Tenant,
    user: User,
    monday: date,
    day: date,
    ranking: Ranking,
    chosen: list[Candidate],
    values: dict[int, Decimal],
) -> CallPlan:
    plan, _ = CallPlan.objects.select_for_update().get_or_create(tenant=tenant, user=user, week_start=monday)
    existing = {item.customer_id: item for item in CallPlanItem.objects.for_tenant(tenant).filter(plan=plan)}
    kept = {cid: item for cid, item in existing.items() if item.kept_on_regeneration}
    dropped = [item.pk for cid, item in existing.items() if cid not in kept]
    if dropped:
        CallPlanItem.objects.for_tenant(tenant).filter(pk__in=dropped).delete()

    new_items: list[CallPlanItem] = []
    refreshed: list[CallPlanItem] = []
    for candidate in chosen:
        reasons = reasons_json(ranking, candidate.reasons)
        score = score_of(ranking, candidate.reasons)
        value = values.get(candidate.customer_id, Decimal("0"))
        item = kept.get(candidate.customer_id)
        if item is not None:
            item.reasons, item.score, item.expected_value = reasons, score, value
            refreshed.append(item)
            continue
        item = CallPlanItem(
            tenant=tenant, plan=plan, customer_id=candidate.customer_id, reasons=reasons, score=score,
            action=action_of(ranking, candidate.reasons), expected_value=value,
        )  # fmt: skip
        if candidate.event is not None:
            # Already on the calendar: the item shows as scheduled, tied to that event.
            local = timezone.localtime(candidate.event.starts_at, tenant.tzinfo)
            item.source = ItemSource.EVENT
            item.event = candidate.event
            item.action = PlanAction.VISIT
            item.scheduled_date, item.scheduled_time = (
                local.date(),
                local.time().replace(second=0, microsecond=0),
            )
        new_items.append(item)
    chosen_ids = {candidate.customer_id for candidate in chosen}
    for customer_id, item in kept.items():
        if customer_id not in chosen_ids:
            item.expected_value = values.get(customer_id, item.expected_value)
            refreshed.append(item)
    CallPlanItem.objects.bulk_create(new_items)
    if refreshed:
        CallPlanItem.objects.bulk_update(refreshed, ["reasons", "score", "expected_value"])

    # Ranks over the whole plan, heaviest first; positions within each day follow the scheduled time.
    items = list(CallPlanItem.objects.for_tenant(tenant).filter(plan=plan).select_related("customer"))
    items.sort(key=lambda i: (-i.score, i.customer.name.lower(), i.pk))
    for rank, item in enumerate(items, start=1):
        item.rank = rank
    CallPlanItem.objects.bulk_update(items, ["rank"])
    plan.generated_at = timezone.now()
    plan.evaluated_on = day
    plan.save(update_fields=["generated_at", "evaluated_on"])
    return plan


def notify_ready(plan: CallPlan, count: int) -> None:
    """Tell the rep their plan is ready, linking to it."""
    notification_create(
        tenant=plan.tenant,
        user=plan.user,
        kind="callplan.ready",
        title=f"Your call plan for the week of {plan.week_start:%-d %b} is ready",
        body=f"{count} accounts proposed, ranked by why they need you this week.",
        url=reverse("callplan_week", args=[plan.week_start.isoformat()]),
    )


def plans_generate(
    *,
    tenant: Tenant,
    monday: date,
    user_ids: list[int] | None = None,
    notify: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[CallPlan]:
    """Generate (or regenerate) the plans of ``user_ids`` (everyone with a book when None) for the
    week starting ``monday``; return them. Regenerating keeps every item the rep scheduled, completed
    or removed and every item a manager added; only untouched proposals are replaced."""
    if monday != week_start(monday):
        raise InvalidInput.on("week", "a week is given by its Monday")
    people = planners(tenant, user_ids)
    if not people:
        return []
    ranking = ranking_of(tenant)
    day = evaluation_day(tenant, monday)
    by_rep = collect_candidates(tenant, people, monday, ranking, day)
    chosen = {
        person.pk: ranked(ranking, by_rep.get(person.pk, {}).values())[: ranking.max_items]
        for person in people
    }
    # Kept items are valued too, so the plan's total is always today's view of its accounts.
    kept_ids = list(
        CallPlanItem.objects.for_tenant(tenant)
        .filter(plan__week_start=monday, plan__user_id__in=[p.pk for p in people])
        .values_list("customer_id", flat=True)
    )
    wanted = sorted({c.customer_id for cs in chosen.values() for c in cs} | set(kept_ids))
    values = expected_values(tenant, wanted)
    plans = []
    for done, person in enumerate(people, start=1):
        with transaction.atomic():
            plan = _write_plan(
                tenant=tenant, user=person, monday=monday, day=day, ranking=ranking,
                chosen=chosen[person.pk], values=values,
            )  # fmt: skip
            if notify:
                notify_ready(plan, len(chosen[person.pk]))
        plans.append(plan)
        if progress is not None:
            progress(done, len(people))
    return plans
