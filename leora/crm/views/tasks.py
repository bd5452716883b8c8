"""The tasks page: the signed-in user's tasks (a manager's team's on request), one-click completion
and, for managers and admins, a form to hand out new tasks. Reads and writes go through the same
selectors and services as /api/tasks.
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
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from leora.crm.models import OPEN_TASK_STATUSES, Customer, Task, TaskPriority, TaskStatus
from leora.crm.selectors.tasks import task_get, task_list, task_ordering
from leora.crm.services.tasks import may_complete, task_complete, task_create, task_reopen
from leora.crm.visibility import visible_customers
from leora.errors import DomainError, Forbidden, NotFound
from leora.pages import (
    actor_of_page,
    add_toast,
    form_add_domain_errors,
    page_slice,
    render_page,
    url_with,
    wants_fragment,
)
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today
from leora.tenancy.selectors.members import assignable_people

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
    """Return the due date in words: "due in 3 days", "due today", "2 days overdue", "no due date"."""
    if task.due_date is None:
        return "no due date"
    days = (task.due_date - today).days
    if task.status not in OPEN_TASK_STATUSES:
        return f"was due {task.due_date:%-d %b}"
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
    """The page's "New task" form; who may be assigned and which customers fit is the service's call."""

    title = forms.CharField(max_length=200)
    assigned_to = forms.IntegerField(label="Assignee")
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


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("status", "todo")
    return tab if tab in STATUS_TABS else "todo"


def _index_context(request: HttpRequest, actor: Actor, form: TaskForm | None = None) -> dict[str, Any]:
    """Everything the tasks page shows: the filtered rows, the tabs and, for managers, the form."""
    tab = _tab(request)
    leads_people = actor.leads_people
    scope = request.GET.get("scope", "mine") if leads_people else "mine"
    rep_id: int | None = None
    if leads_people and request.GET.get("rep", "").isdigit():
        rep_id = int(request.GET["rep"])
        scope = "team"
    scope = scope if scope in {"mine", "team"} else "mine"
    tasks = task_list(
        actor=actor,
        statuses=STATUS_TABS[tab][1],
        mine=scope == "mine",
        assigned_to_id=rep_id,
        overdue=True if request.GET.get("overdue") == "1" else None,
    )
    ordering = "-created_at" if tab == "done" else None
    page = page_slice(request, task_ordering(tasks, ordering), page_size=50)
    today = tenant_today(actor.tenant)
    people = list(assignable_people(actor=actor)) if leads_people else []
    return {
        "rows": [task_row(actor, task, today) for task in page.items],
        "page": page,
        "tab": tab,
        "tabs": [
            (key, label, url_with(request, status=key, page=None)) for key, (label, _) in STATUS_TABS.items()
        ],
        "scope": scope,
        "show_assignee": scope == "team",
        "scope_urls": {
            "mine": url_with(request, scope=None, rep=None, page=None),
            "team": url_with(request, scope="team", page=None),
        },
        "rep_id": rep_id,
        "leads_people": leads_people,
        "people": people,
        "overdue_only": request.GET.get("overdue") == "1",
        "form": form or (TaskForm(initial={"priority": TaskPriority.NORMAL}) if leads_people else None),
        "customers": customer_choices(actor) if leads_people else [],
        "priorities": TaskPriority.choices,
        "next_url": request.get_full_path(),
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


@login_required
@require_POST
def task_new(request: HttpRequest) -> HttpResponse:
    """Create a task from the page's form; on bad input show the page again with inline errors (422)."""
    actor = actor_of_page(request)
    form = TaskForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = task_create(
                actor=actor,
                title=data["title"],
                description=data["description"],
                assigned_to_id=data["assigned_to"],
                customer_id=data["customer"],
                due_date=data["due_date"],
                priority=data["priority"],
            )
        except DomainError as exc:
            form_add_domain_errors(form, exc, field_of=FORM_FIELD_OF, forbidden_field="assigned_to")
        else:
            messages.success(request, f"Task “{task.title}” assigned to {task.assigned_to.display_name}.")
            return redirect(f"{reverse('task_list')}?scope=team")
    context = _index_context(request, actor, form=form)
    context["form_open"] = True
    return render(request, "crm/tasks/index.html", context, status=422)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    task_list_url = reverse("task_list")
    if target.startswith(task_list_url) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return task_list_url


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
            "next_url": _safe_next(request),
            "show_assignee": request.POST.get("show_assignee") == "1",
        }
        return add_toast(render(request, "crm/tasks/_row.html", context), text)
    messages.success(request, text)
    return redirect(_safe_next(request))


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
    path("tasks/<int:task_id>/complete/", task_complete_view, name="task_complete"),
    path("tasks/<int:task_id>/reopen/", task_reopen_view, name="task_reopen"),
]
