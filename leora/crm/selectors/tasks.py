"""Reads of tasks, scoped to the tenant and the actor's role.

A rep sees the tasks assigned to them; a manager sees their team's (assigned to or by them or one of
their reps); an admin sees the whole tenant.
"""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Case, F, IntegerField, Q, QuerySet, Value, When

from leora.crm.models import OPEN_TASK_STATUSES, Task, TaskPriority
from leora.crm.services.common import check_range
from leora.crm.visibility import get_visible
from leora.pagination import apply_ordering
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today

TASK_ORDERING = {"due_date", "priority", "created_at", "title", "status"}
PRIORITY_RANK = {TaskPriority.LOW: 1, TaskPriority.NORMAL: 2, TaskPriority.HIGH: 3, TaskPriority.URGENT: 4}


def overdue_condition(today: date) -> Q:
    """A Q matching tasks still to do whose due date has passed."""
    return Q(status__in=OPEN_TASK_STATUSES, due_date__lt=today)


def from_others_condition() -> Q:
    """A Q matching tasks someone other than their assignee created (handed over, not self-made)."""
    return Q(assigned_by__isnull=False) & ~Q(assigned_by_id=F("assigned_to_id"))


def visible_tasks(actor: Actor) -> QuerySet[Task]:
    """Return the tasks ``actor`` may see, tenant first, annotated with ``is_overdue``."""
    tasks: QuerySet[Task] = Task.objects.for_tenant(actor.tenant)
    if actor.is_rep:
        tasks = tasks.filter(assigned_to_id=actor.user.pk)
    elif not actor.sees_whole_tenant:
        team = actor.team_user_ids
        tasks = tasks.filter(Q(assigned_to_id__in=team) | Q(assigned_by_id__in=team))
    # A Case, not the bare condition: comparing a NULL due date yields NULL, and the flag is a bool.
    overdue = Case(
        When(overdue_condition(tenant_today(actor.tenant)), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return tasks.annotate(is_overdue=overdue)


def task_list(
    *,
    actor: Actor,
    search: str | None = None,
    assigned_to_id: int | None = None,
    status: str | None = None,
    statuses: tuple[str, ...] | None = None,
    priority: str | None = None,
    customer_id: int | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    overdue: bool | None = None,
    mine: bool | None = None,
    from_others: bool | None = None,
) -> QuerySet[Task]:
    """Return the tasks the actor may see, filtered; order them with ``task_ordering``.

    ``from_others`` keeps the tasks someone else handed to their assignee (True) or the ones the
    assignee made for themselves (False).
    """
    check_range(due_from, due_to, low_field="due_from", high_field="due_to")
    tasks = visible_tasks(actor).select_related("customer", "assigned_to", "assigned_by")
    if search:
        term = search.strip()
        tasks = tasks.filter(
            Q(title__icontains=term) | Q(description__icontains=term) | Q(customer__name__icontains=term)
        )
    if mine:
        tasks = tasks.filter(assigned_to_id=actor.user.pk)
    if assigned_to_id is not None:
        tasks = tasks.filter(assigned_to_id=assigned_to_id)
    if status:
        tasks = tasks.filter(status=status)
    if statuses:
        tasks = tasks.filter(status__in=statuses)
    if priority:
        tasks = tasks.filter(priority=priority)
    if customer_id is not None:
        tasks = tasks.filter(customer_id=customer_id)
    if due_from:
        tasks = tasks.filter(due_date__gte=due_from)
    if due_to:
        tasks = tasks.filter(due_date__lte=due_to)
    if from_others is not None:
        self_made = Q(assigned_by__isnull=True) | Q(assigned_by_id=F("assigned_to_id"))
        tasks = tasks.filter(from_others_condition() if from_others else self_made)
    if overdue is not None:
        condition = overdue_condition(tenant_today(actor.tenant))
        tasks = tasks.filter(condition) if overdue else tasks.exclude(condition)
    return tasks


def task_ordering(tasks: QuerySet[Task], ordering: str | None) -> QuerySet[Task]:
    """Order tasks by a whitelisted field (422 naming ``ordering`` otherwise).

    The default is by due date, soonest first, undated tasks last. ``priority`` sorts by urgency,
    not alphabetically, and a missing due date sorts last either way on SQLite and PostgreSQL alike.
    """
    apply_ordering(tasks, ordering, TASK_ORDERING, "due_date")  # validates the name only
    field = (ordering or "due_date").lstrip("-")
    descending = bool(ordering and ordering.startswith("-"))
    if field == "priority":
        rank = Case(
            *[When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
        tasks = tasks.annotate(priority_rank=rank)
        expression = F("priority_rank")
    else:
        expression = F(field)
    if descending:
        return tasks.order_by(expression.desc(nulls_last=True), "-pk")
    return tasks.order_by(expression.asc(nulls_last=True), "pk")


def task_get(*, actor: Actor, task_id: int) -> Task:
    """Return one visible task; another tenant's or another rep's answers NotFound."""
    tasks = visible_tasks(actor).select_related("customer", "assigned_to", "assigned_by")
    return get_visible(tasks, task_id, "task")
