"""The tasks page: the signed-in user's tasks (a manager's team's, one rep's or one customer's on
request), one-click completion, and the "New task" form in the shared modal: everyone creates tasks
for themselves, managers and admins also for the people they lead. Reads and writes go through the
same selectors and services as /api/tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leora.crm.models import OPEN_TASK_STATUSES, Customer, Task, TaskPriority, TaskStatus
from leora.crm.selectors.customers import customer_get
from leora.crm.selectors.tasks import task_get, task_list, task_ordering
from leora.crm.services.tasks import may_complete, task_complete, task_create, task_reopen
from leora.crm.visibility import visible_customers
from leora.errors import DomainError, Forbidden, NotFound
from leora.pages import (
    actor_of_page,
    add_toast,
    form_add_domain_errors,
    form_page,
    form_saved,
    page_slice,
    render_page,
    safe_next,
    url_with,
    wants_fragment,
)
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.selectors.members import assignable_people
from leora.web.formatting import format_date

# The status tabs of the page: what each one lists.
STATUS_TABS: dict[str, tuple[str, tuple[str, ...]]] = {
    "todo": ("To do", OPEN_TASK_STATUSES),
    "open": ("Open", (TaskStatus.OPEN,)),
    "in_progress": ("In progress", (TaskStatus.IN_PROGRESS,)),
    "done": ("Done", (TaskStatus.DONE,)),
}
PRIORITY_BADGES = {
    TaskPriority.URGENT: "badge-danger",
    TaskPriority.HIGH: "badge-warning",
    TaskPriority.NORMAL: "badge-outline",
    TaskPriority.LOW: "badge-muted",
}
STATUS_BADGES = {
    TaskStatus.OPEN: "badge-outline",
    TaskStatus.IN_PROGRESS: "badge-accent",
    TaskStatus.DONE: "badge-success",
    TaskStatus.CANCELLED: "badge-muted",
}
# Where the form's fields are called something else in the services' errors.
FORM_FIELD_OF = {"assigned_to_id": "assigned_to", "customer_id": "customer"}
CUSTOMER_CHOICES_LIMIT = 200


def due_label(task: Task, today: date) -> str:
    """Return the due date in words: "due in 3 days", "due today", "2 days overdue", "no due date";
    for a closed task the date itself, "was due 3 Dec" once it has passed, "due 10 Dec" before."""
    if task.due_date is None:
        return "no due date"
    days = (task.due_date - today).days
    if task.status not in OPEN_TASK_STATUSES:
        when = format_date(task.due_date, today)
        return f"was due {when}" if days < 0 else f"due {when}"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 1:
        return f"due in {days} days"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


@dataclass(frozen=True)
class TaskRow:
    """One task as the page shows it."""

    task: Task
    due_label: str
    is_overdue: bool
    can_complete: bool
    priority_badge: str
    status_badge: str


def task_row(actor: Actor, task: Task, today: date) -> TaskRow:
    """Return how ``task`` reads on the page for ``actor``."""
    return TaskRow(
        task=task,
        due_label=due_label(task, today),
        is_overdue=bool(getattr(task, "is_overdue", False)),
        can_complete=may_complete(actor, task),
        priority_badge=PRIORITY_BADGES.get(TaskPriority(task.priority), "badge"),
        status_badge=STATUS_BADGES.get(TaskStatus(task.status), "badge"),
    )


def customer_choices(actor: Actor, search: str = "") -> list[Customer]:
    """Return up to CUSTOMER_CHOICES_LIMIT visible customers by name, matching ``search``."""
    customers = visible_customers(actor).only("pk", "name", "account_number").order_by("name", "pk")
    if search.strip():
        customers = customers.filter(name__icontains=search.strip())
    return list(customers[:CUSTOMER_CHOICES_LIMIT])


class TaskForm(forms.Form):
    """The "New task" form; who may be assigned and which customers fit is the service's call."""

    title = forms.CharField(max_length=200)
    assigned_to = forms.IntegerField(label="Assignee", required=False)
    customer = forms.IntegerField(required=False)
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    priority = forms.ChoiceField(choices=TaskPriority.choices, initial=TaskPriority.NORMAL, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_title(self) -> str:
        title = str(self.cleaned_data["title"]).strip()
        if not title:
            raise forms.ValidationError("Give the task a title.")
        return title

    def clean_priority(self) -> str:
        return str(self.cleaned_data.get("priority") or TaskPriority.NORMAL)


# What each status tab lists, as the subtitle says it.
TAB_NOUNS = {
    "todo": "open tasks",
    "open": "tasks not started",
    "in_progress": "tasks in progress",
    "done": "completed tasks",
}


def list_subtitle(
    *,
    actor: Actor,
    tab: str,
    scope: str,
    rep_name: str | None,
    customer: Customer | None,
    from_others: bool,
    overdue: bool,
) -> str:
    """Say in words which tasks the page lists: "Your open tasks", "Open tasks others assigned to you",
    "Your team's open tasks for Blue Door Bistro", "Completed tasks of Ana Lopez"."""
    noun = "overdue tasks" if overdue and tab != "done" else TAB_NOUNS[tab]
    if rep_name is not None:
        text = f"{noun.capitalize()} {'others assigned to' if from_others else 'of'} {rep_name}"
    elif scope == "team":
        if from_others:
            whom = "anyone" if actor.is_admin else "your team"
            text = f"{noun.capitalize()} others assigned to {whom}"
        else:
            text = f"{'Everyone' if actor.is_admin else 'Your team'}'s {noun}"
    else:
        text = f"{noun.capitalize()} others assigned to you" if from_others else f"Your {noun}"
    return f"{text} for {customer.name}" if customer is not None else text


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("status", "todo")
    return tab if tab in STATUS_TABS else "todo"


def _page_customer(actor: Actor, raw: str | None) -> Customer | None:
    """The customer a page or form is narrowed to by ``?customer=``: None when not given, 404 when the
    person cannot see it (exactly like that customer's own page)."""
    if not raw:
        return None
    try:
        return customer_get(actor=actor, customer_id=int(raw))
    except (NotFound, ValueError):
        raise Http404("No such customer") from None


def _new_task_url(customer: Customer | None, back: str) -> str:
    query: dict[str, str | int] = {"customer": customer.pk} if customer is not None else {}
    return f"{reverse('task_new')}?{urlencode({**query, 'next': back})}"


def _index_context(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    """Everything the tasks page shows: the filtered rows, the tabs and the filters in force."""
    tab = _tab(request)
    leads_people = actor.leads_people
    customer = _page_customer(actor, request.GET.get("customer"))
    from_others = request.GET.get("from") == "others"
    overdue = request.GET.get("overdue") == "1"
    people = list(assignable_people(actor=actor)) if leads_people else []
    # A customer's tasks are everyone's the person can see, as on the customer's page.
    scope = request.GET.get("scope", "team" if customer is not None else "mine") if leads_people else "mine"
    rep_id: int | None = None
    if leads_people and request.GET.get("rep", "").isdigit():
        rep_id = int(request.GET["rep"])
        scope = "team"
    scope = scope if scope in {"mine", "team"} else "mine"
    rep_name: str | None = None
    if rep_id is not None and rep_id != actor.user.pk:
        rep_name = next((p.display_name for p in people if p.pk == rep_id), "this person")
    elif rep_id is not None:
        scope = "mine"
    tasks = task_list(
        actor=actor,
        statuses=STATUS_TABS[tab][1],
        mine=scope == "mine",
        assigned_to_id=rep_id,
        customer_id=customer.pk if customer is not None else None,
        from_others=True if from_others else None,
        overdue=True if overdue else None,
    )
    ordering = "-created_at" if tab == "done" else None
    page = page_slice(request, task_ordering(tasks, ordering), page_size=50)
    today = tenant_today(actor.tenant)
    filters = []
    if customer is not None:
        filters.append((f"Customer: {customer.name}", url_with(request, customer=None, page=None)))
    if from_others:
        filters.append(("Assigned by someone else", url_with(request, **{"from": None, "page": None})))
    if overdue:
        filters.append(("Overdue only", url_with(request, overdue=None, page=None)))
    next_url = request.get_full_path()
    return {
        "rows": [task_row(actor, task, today) for task in page.items],
        "page": page,
        "tab": tab,
        "tabs": [
            (key, label, url_with(request, status=key, page=None)) for key, (label, _) in STATUS_TABS.items()
        ],
        "scope": scope,
        "show_assignee": scope == "team" and rep_id is None,
        "scope_urls": {
            "mine": url_with(request, scope="mine", rep=None, page=None),
            "team": url_with(request, scope="team", rep=None, page=None),
        },
        "rep_id": rep_id,
        "leads_people": leads_people,
        "people": people,
        "customer": customer,
        "from_others": from_others,
        "overdue_only": overdue,
        "filters": filters,
        "subtitle": list_subtitle(
            actor=actor,
            tab=tab,
            scope=scope,
            rep_name=rep_name,
            customer=customer,
            from_others=from_others,
            overdue=overdue,
        ),
        "new_task_url": _new_task_url(customer, next_url),
        "next_url": next_url,
    }


@login_required
@require_GET
def task_index(request: HttpRequest) -> HttpResponse:
    actor = actor_of_page(request)
    return render_page(
        request,
        "crm/tasks/index.html",
        _index_context(request, actor),
        fragment="crm/tasks/_results.html",
    )


def _form_page(
    request: HttpRequest, actor: Actor, form: TaskForm, customer: Customer | None, *, status: int = 200
) -> HttpResponse:
    back_url = safe_next(request, reverse("task_list"))
    context = {
        "form": form,
        "people": list(assignable_people(actor=actor)) if actor.leads_people else [],
        "leads_people": actor.leads_people,
        "fixed_customer": customer,
        "customers": [] if customer is not None else customer_choices(actor),
        "action": _new_task_url(customer, back_url),
    }
    title = f"New task · {customer.name}" if customer is not None else "New task"
    return form_page(request, "crm/tasks/_form.html", context, title=title, back_url=back_url, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    """The "New task" form, in the shared modal or as a page; ``?customer=`` fixes the customer (404 for
    one the person cannot see). A rep's task is their own; a manager or admin picks whom it is for."""
    actor = actor_of_page(request)
    customer = _page_customer(actor, request.GET.get("customer"))
    if request.method == "GET":
        initial = {"priority": TaskPriority.NORMAL, "assigned_to": actor.user.pk}
        return _form_page(request, actor, TaskForm(initial=initial), customer)
    form = TaskForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = task_create(
                actor=actor,
                title=data["title"],
                description=data["description"].strip(),
                assigned_to_id=data["assigned_to"],
                customer_id=customer.pk if customer is not None else data["customer"],
                due_date=data["due_date"],
                priority=data["priority"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF, forbidden_field="assigned_to")
        else:
            if task.assigned_to_id == actor.user.pk:
                text = f"Task “{task.title}” added to your list."
            else:
                text = f"Task “{task.title}” assigned to {task.assigned_to.display_name}."
            return form_saved(request, text, redirect_to=safe_next(request, reverse("task_list")))
    return _form_page(request, actor, form, customer, status=422)


def _move(request: HttpRequest, task_id: int, *, complete: bool) -> HttpResponse:
    """Complete or reopen a task: the new row for htmx, a redirect back to the list otherwise."""
    actor = actor_of_page(request)
    try:
        task = task_get(actor=actor, task_id=task_id)
    except NotFound:
        raise Http404("task not found") from None
    try:
        (task_complete if complete else task_reopen)(actor=actor, task=task)
    except Forbidden as exc:
        return HttpResponseForbidden(str(exc))
    text = f"“{task.title}” marked done." if complete else f"“{task.title}” reopened."
    if wants_fragment(request):
        context = {
            "row": task_row(actor, task_get(actor=actor, task_id=task_id), tenant_today(actor.tenant)),
            "next_url": safe_next(request, reverse("task_list")),
            "show_assignee": request.POST.get("show_assignee") == "1",
        }
        return add_toast(render(request, "crm/tasks/_row.html", context), text)
    messages.success(request, text)
    return redirect(safe_next(request, reverse("task_list")))


@login_required
@require_POST
def task_complete_view(request: HttpRequest, task_id: int) -> HttpResponse:
    return _move(request, task_id, complete=True)


@login_required
@require_POST
def task_reopen_view(request: HttpRequest, task_id: int) -> HttpResponse:
    return _move(request, task_id, complete=False)


@login_required
@require_GET
def task_customer_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the form's customer picker, narrowed by the search box as one types."""
    actor = actor_of_page(request)
    customers = customer_choices(actor, request.GET.get("customer_search", ""))
    return render(request, "crm/tasks/_customer_options.html", {"customers": customers})


urlpatterns = [
    path("tasks/", task_index, name="task_list"),
    path("tasks/new/", task_new, name="task_new"),
    path("tasks/customer-options/", task_customer_options, name="task_customer_options"),
    path("tasks/<id:task_id>/complete/", task_complete_view, name="task_complete"),
    path("tasks/<id:task_id>/reopen/", task_reopen_view, name="task_reopen"),
]
