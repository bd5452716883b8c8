"""account_type_update: the daily classification of every account as PROSPECT, ACTIVE or TARGET.

The rules are two segment metrics each tenant's admins may edit (``active_account`` and
``target_account``, installed from the template library for tenants that predate them):

* ACTIVE: in ``active_account`` (by default: an order in the last 90 days and not dormant);
* TARGET: otherwise in ``target_account`` (by default: a lapsed account, or a prospect someone
  marked TARGET by hand, which stays a target), and any other account that has ordered, since an
  account that has ordered is never a prospect again;
* PROSPECT: the rest, accounts that never ordered.

Each change updates the customer, writes an audit event (``customer.account_type``) and an activity
note on the customer, in the batch's transaction. A second run over the same data finds nothing to
change and writes nothing. Customers are taken in batches by id, each its own transaction with the
job's checkpoint (``AccountTypeRun``): an attempt that dies half-way is retried and carries on after
the last committed batch, with the same ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from pydantic import Field

from leora.crm.models import AccountType, Activity, ActivityKind, Customer
from leora.crm.signals import book_changed
from leora.enrichment.models import AccountTypeRun
from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register
from leora.metrics.evaluation import StoredMetric, build_context, filter_segment, load_metric
from leora.metrics.formula import FormulaError
from leora.metrics.formula.catalog import CUSTOMER, BuildContext
from leora.metrics.models import MetricDefinition, MetricKind
from leora.metrics.services import install_default_metrics
from leora.tenancy.calendar import tenant_today
from leora.tenancy.models import Tenant
from leora.tenancy.services.audit import audit_record

ACTIVE_METRIC = "active_account"
TARGET_METRIC = "target_account"
AUDIT_ACTION = "customer.account_type"
NOTE_SUBJECT = "Account type changed"


class AccountTypeUpdatePayload(Payload):
    as_of: dt.date | None = Field(None, description="evaluate as of this date; today when unset")
    customer_ids: list[int] | None = Field(None, max_length=10000, description="only these accounts")


def batch_size() -> int:
    return int(getattr(settings, "ACCOUNT_TYPE_BATCH_SIZE", 1000))


@dataclass(frozen=True)
class Rules:
    active: StoredMetric
    target: StoredMetric


def classify(*, active: bool, target: bool, order_count: int) -> str:
    """Return the account type of one customer from its segment memberships and order count."""
    if active:
        return AccountType.ACTIVE
    if target or order_count > 0:
        return AccountType.TARGET
    return AccountType.PROSPECT


def rules_load(tenant: Tenant) -> Rules:
    """Return the tenant's two rule segments, installing the templates first for a tenant that has
    neither definition yet. A rule that is missing, not a segment or no longer checks fails the
    job with a message an admin can act on."""
    codes = set(
        MetricDefinition.objects.for_tenant(tenant)
        .filter(code__in=[ACTIVE_METRIC, TARGET_METRIC])
        .values_list("code", flat=True)
    )
    if len(codes) < 2:
        # The same idempotent install every new tenant gets: codes that exist are left alone.
        install_default_metrics(tenant)
    found = {}
    for code in (ACTIVE_METRIC, TARGET_METRIC):
        try:
            stored = load_metric(tenant, code)
        except FormulaError as error:
            raise PermanentFailure(f"the {code} metric's formula no longer checks: {error.message}") from None
        if stored is None:
            raise PermanentFailure(f"the tenant has no {code} metric; add it from the metric templates")
        if stored.version.kind != MetricKind.SEGMENT:
            raise PermanentFailure(f"the {code} metric must be a segment to classify accounts")
        found[code] = stored
    return Rules(active=found[ACTIVE_METRIC], target=found[TARGET_METRIC])


@dataclass(frozen=True)
class Change:
    customer_id: int
    before: str
    after: str


def _classify_batch(customers: QuerySet[Customer], rules: Rules, ctx: BuildContext) -> list[Change]:
    active = set(filter_segment(customers, rules.active.checked, ctx).values_list("pk", flat=True))
    target = set(filter_segment(customers, rules.target.checked, ctx).values_list("pk", flat=True))
    rows = customers.annotate(order_total=CUSTOMER.build("order_count", ctx)).values_list(
        "pk", "account_type", "order_total"
    )
    changes = []
    for pk, current, order_count in rows:
        wanted = classify(active=pk in active, target=pk in target, order_count=int(order_count or 0))
        if wanted != current:
            changes.append(Change(customer_id=pk, before=current, after=wanted))
    return changes


def _label(account_type: str) -> str:
    return AccountType(account_type).label


def _write_changes(tenant: Tenant, changes: Sequence[Change]) -> None:
    now = timezone.now()
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for change in changes:
        groups[(change.before, change.after)].append(change.customer_id)
    for (before, after), ids in groups.items():
        # Guarded by the type read: a person's edit since then is not overwritten by a stale decision.
        Customer.objects.for_tenant(tenant).filter(pk__in=ids, account_type=before).update(
            account_type=after, updated_at=now
        )
    for change in changes:
        audit_record(
            tenant=tenant, actor=None, action=AUDIT_ACTION, obj=Customer(pk=change.customer_id),
            before={"account_type": change.before},
            after={"account_type": change.after, "by": "daily classification"},
        )  # fmt: skip
    Activity.objects.for_tenant(tenant).bulk_create(
        [
            Activity(
                tenant=tenant, customer_id=change.customer_id, user=None, kind=ActivityKind.NOTE,
                subject=NOTE_SUBJECT, occurred_at=now, created_at=now,
                outcome=f"Account type changed from {_label(change.before)} to {_label(change.after)} "
                "by the daily classification.",
            )
            for change in changes
        ]
    )  # fmt: skip
    # The bulk writes bypassed model signals: cached counts and the customers' facts follow.
    book_changed.send(sender=None, tenant_id=tenant.pk, customer_ids=[c.customer_id for c in changes])


def account_types_update(
    *,
    tenant: Tenant,
    run: AccountTypeRun,
    customer_ids: Sequence[int] | None = None,
    progress: Any = None,
    size: int | None = None,
) -> AccountTypeRun:
    """Classify the tenant's customers (or ``customer_ids``) after ``run.last_customer_id``, batch by
    batch, each batch's changes and the checkpoint in one transaction; returns the finished run."""
    rules = rules_load(tenant)
    ctx = build_context(tenant, run.as_of)
    customers = Customer.objects.for_tenant(tenant).order_by("pk")
    if customer_ids is not None:
        customers = customers.filter(pk__in=set(customer_ids))
    total = customers.count()
    done = customers.filter(pk__lte=run.last_customer_id).count()
    step = size or batch_size()
    while True:
        ids = list(customers.filter(pk__gt=run.last_customer_id).values_list("pk", flat=True)[:step])
        if not ids:
            break
        with transaction.atomic():
            batch = Customer.objects.for_tenant(tenant).filter(pk__gte=ids[0], pk__lte=ids[-1])
            if customer_ids is not None:
                batch = batch.filter(pk__in=ids)
            changes = _classify_batch(batch, rules, ctx)
            if changes:
                _write_changes(tenant, changes)
            counts = dict(run.changes)
            for change in changes:
                key = f"{change.before}->{change.after}"
                counts[key] = counts.get(key, 0) + 1
            run.last_customer_id = ids[-1]
            run.processed += len(ids)
            run.changed += len(changes)
            run.changes = counts
            run.updated_at = timezone.now()
            run.save(update_fields=["last_customer_id", "processed", "changed", "changes", "updated_at"])
        done += len(ids)
        if progress is not None:
            progress(done, total)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


@register(
    "account_type_update", schema=AccountTypeUpdatePayload, priority=-5, max_attempts=3, timeout_seconds=1800,
    description="Recomputes every account's type (PROSPECT, TARGET, ACTIVE) from the tenant's rule segments.",
)  # fmt: skip
def account_type_update(ctx: JobContext, payload: AccountTypeUpdatePayload) -> dict[str, Any]:
    """Run or resume this job's classification, reporting progress after each batch."""
    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("account_type_update needs a tenant")
    run, created = AccountTypeRun.objects.for_tenant(tenant).get_or_create(
        job_id=ctx.job.pk,
        defaults={"tenant": tenant, "as_of": payload.as_of or tenant_today(tenant)},
    )
    resumed_after = 0 if created else run.last_customer_id

    def progress(done: int, total: int) -> None:
        ctx.progress(100 * done / total if total else 100, f"{done:,} of {total:,} accounts")

    run = account_types_update(tenant=tenant, run=run, customer_ids=payload.customer_ids, progress=progress)
    return {
        "as_of": run.as_of.isoformat(),
        "processed": run.processed,
        "changed": run.changed,
        "changes": run.changes,
        "resumed_after_customer_id": resumed_after or None,
    }
