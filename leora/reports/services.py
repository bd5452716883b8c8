"""Requesting a report: the checks of what may be asked, the stored request and its job."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from leora.crm.models import Customer
from leora.crm.visibility import visible_customers
from leora.errors import Conflict, FieldError, Forbidden, InvalidInput
from leora.jobs.queue import job_enqueue
from leora.reports.models import Report, ReportFormat, ReportType, ScopeKind
from leora.tenancy.actors import Actor
from leora.tenancy.models import Membership, User

JOB_TYPE = "report_generation"
# Long enough for a few years of sales, short enough that one request cannot read a tenant's history.
MAX_RANGE_DAYS = 3 * 366


def _forbidden(field: str, message: str) -> Forbidden:
    error = Forbidden(message)
    error.errors = [FieldError(field, message)]
    return error


def _check_rep(actor: Actor, rep_id: int) -> User:
    member = (
        Membership.objects.filter(tenant_id=actor.tenant.pk, user_id=rep_id).select_related("user").first()
    )
    if member is None:
        raise InvalidInput.on("rep_id", f"no person with id {rep_id} in this team")
    if actor.is_rep and rep_id != actor.user.pk:
        raise _forbidden("rep_id", "a sales rep's reports cover their own book only")
    if not actor.can_see_user(rep_id):
        raise _forbidden("rep_id", "a manager's reports cover their own team: choose one of your reps")
    return member.user


def _check_customer(actor: Actor, report_type: str, customer_id: int | None) -> Customer | None:
    if report_type != ReportType.CUSTOMER_STATEMENT:
        if customer_id is not None:
            raise InvalidInput.on("customer_id", "only a customer statement is for one customer")
        return None
    if customer_id is None:
        raise InvalidInput.on("customer_id", "a customer statement needs a customer")
    customer = visible_customers(actor).filter(pk=customer_id).select_related("assigned_rep").first()
    if customer is None:
        raise InvalidInput.on("customer_id", f"no customer with id {customer_id} in your book")
    return customer


def _scope(actor: Actor, rep: User | None, customer: Customer | None) -> tuple[str, User | None]:
    if customer is not None:
        if customer.assigned_rep is None:
            return ScopeKind.TENANT, None
        return ScopeKind.REP, customer.assigned_rep
    if rep is not None:
        return ScopeKind.REP, rep
    if actor.is_rep:
        return ScopeKind.REP, actor.user
    if actor.is_manager:
        return ScopeKind.TEAM, actor.user
    return ScopeKind.TENANT, None


def report_request(
    *,
    actor: Actor,
    type: str,
    format: str,
    date_from: date,
    date_to: date,
    rep_id: int | None = None,
    customer_id: int | None = None,
    idempotency_key: str = "",
) -> tuple[Report, bool]:
    """Store a report request and enqueue the job that builds it; return the report and whether it
    is new. The job evaluates with the requester's scope: their own book for a rep, their team (or one
    of its reps) for a manager, anyone for an admin. Asking again with the same ``idempotency_key``
    returns the first report (409 when the key was used for a different report). Every refusal is a
    422 (or a 403 for a scope the role may not read) naming the field, and writes nothing."""
    if type not in ReportType.values:
        raise InvalidInput.on(
            "type", f"unknown report type {type!r}; choose one of {', '.join(ReportType.values)}"
        )
    if format not in ReportFormat.values:
        raise InvalidInput.on("format", f"unknown format {format!r}; choose csv, xlsx or pdf")
    if date_to < date_from:
        raise InvalidInput.on("date_to", "the end date is before the start date")
    if date_to - date_from > timedelta(days=MAX_RANGE_DAYS):
        raise InvalidInput.on("date_to", f"a report covers at most {MAX_RANGE_DAYS} days")
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise InvalidInput.on("idempotency_key", "at most 100 characters")
    if type == ReportType.CUSTOMER_STATEMENT and rep_id is not None:
        raise InvalidInput.on("rep_id", "a statement covers its customer; leave the rep out")
    rep = _check_rep(actor, rep_id) if rep_id is not None else None
    customer = _check_customer(actor, type, customer_id)
    wanted = {
        "type": type, "format": format, "date_from": date_from, "date_to": date_to,
        "rep_id": rep.pk if rep else None, "customer_id": customer.pk if customer else None,
    }  # fmt: skip
    if key:
        existing = _with_key(actor, key)
        if existing is not None:
            return _same_request(existing, wanted), False
    scope_kind, scope_user = _scope(actor, rep, customer)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                tenant=actor.tenant,
                requested_by=actor.user,
                scope_kind=scope_kind,
                scope_user=scope_user,
                rep=rep,
                customer=customer,
                idempotency_key=key,
                type=type,
                format=format,
                date_from=date_from,
                date_to=date_to,
            )
            report.job = job_enqueue(
                job_type=JOB_TYPE,
                payload={"report_id": report.pk},
                tenant=actor.tenant,
                created_by=actor.user,
                idempotency_key=f"report:{report.pk}",
            )
            report.save(update_fields=["job"])
    except IntegrityError:
        # Two requests with the same key raced; the unique constraint let one through.
        existing = _with_key(actor, key) if key else None
        if existing is None:
            raise
        return _same_request(existing, wanted), False
    return report, True


def _with_key(actor: Actor, key: str) -> Report | None:
    return (
        Report.objects.for_tenant(actor.tenant)
        .filter(requested_by_id=actor.user.pk, idempotency_key=key)
        .select_related("job")
        .first()
    )


def _same_request(report: Report, wanted: dict[str, object]) -> Report:
    stored = {name: getattr(report, name) for name in wanted}
    if stored != wanted:
        raise Conflict(
            "this idempotency key was used for a different report",
            [FieldError("idempotency_key", "already used for a different report")],
        )
    return report
