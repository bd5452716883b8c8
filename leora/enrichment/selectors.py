"""Reads of the enrichment app, each scoped by the actor's tenant and visible customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max

from leora.crm.models import AccountType, Customer
from leora.crm.visibility import get_visible, visible_customers
from leora.enrichment import rfm
from leora.enrichment.account_types import AUDIT_ACTION
from leora.enrichment.models import CustomerEnrichment
from leora.enrichment.services import RUNNABLE
from leora.errors import NotFound
from leora.jobs.models import FINISHED, Job
from leora.tenancy.actors import Actor
from leora.tenancy.models import AuditEvent

_TYPE_LABELS = dict(AccountType.choices)
# As the account type tags are drawn everywhere (leora_ui.account_type_badge).
_TYPE_TAGS = {"ACTIVE": "tag-accent", "TARGET": "tag-outline", "PROSPECT": ""}


def customer_enrichment_get(*, actor: Actor, customer_id: int) -> CustomerEnrichment:
    """Return the stored enrichment of a visible customer; NotFound for a customer the actor cannot
    see (another tenant's included) or one not enriched yet."""
    customer = get_visible(visible_customers(actor), customer_id, "customer")
    found = CustomerEnrichment.objects.for_tenant(actor.tenant).filter(customer=customer).first()
    if found is None:
        raise NotFound("this customer has not been enriched yet")
    return found


def customer_enrichment_panel(*, actor: Actor, customer: Customer, today: date) -> CustomerEnrichment | None:
    """The customer page's enrichment section (the page has already checked visibility): one query."""
    return CustomerEnrichment.objects.for_tenant(actor.tenant).filter(customer_id=customer.pk).first()


@dataclass(frozen=True)
class SegmentCount:
    segment: str
    count: int
    share: float  # of the customers counted, 0-100

    @property
    def slug(self) -> str:
        return self.segment.lower().replace(" ", "-").replace("'", "")


@dataclass(frozen=True)
class SegmentDistribution:
    segments: list[SegmentCount]
    scored: int
    not_scored: int
    computed_at: datetime | None


def rfm_segment_counts(*, actor: Actor) -> SegmentDistribution:
    """Return how many of the actor's visible customers are in each RFM segment (every segment
    listed, in SEGMENTS order, zeros included), and how many are not scored (no orders, or not
    enriched yet). Two queries."""
    visible = visible_customers(actor)
    rows = (
        CustomerEnrichment.objects.for_tenant(actor.tenant)
        .filter(customer__in=visible.values("pk"))
        .exclude(rfm_segment="")
        .order_by()
        .values("rfm_segment")
        .annotate(count=Count("pk"), latest=Max("computed_at"))
    )
    counts = {row["rfm_segment"]: row["count"] for row in rows}
    latest = max((row["latest"] for row in rows), default=None)
    scored = sum(counts.values())
    total = visible.count()
    return SegmentDistribution(
        segments=[
            SegmentCount(
                segment=name,
                count=counts.get(name, 0),
                share=100 * counts.get(name, 0) / scored if scored else 0.0,
            )
            for name in rfm.SEGMENTS
        ],
        scored=scored,
        not_scored=max(0, total - scored),
        computed_at=latest,
    )


@dataclass(frozen=True)
class AccountTypeChange:
    customer_id: int
    customer_name: str
    before: str
    after: str
    at: datetime

    @property
    def before_label(self) -> str:
        return _TYPE_LABELS.get(self.before, self.before)

    @property
    def after_label(self) -> str:
        return _TYPE_LABELS.get(self.after, self.after)

    @property
    def before_tag(self) -> str:
        return _TYPE_TAGS.get(self.before, "")

    @property
    def after_tag(self) -> str:
        return _TYPE_TAGS.get(self.after, "")


def account_type_changes(*, actor: Actor, limit: int = 20) -> list[AccountTypeChange]:
    """Return the newest account type changes of the daily classification among the actor's
    visible customers (from the audit trail). Two queries."""
    events = list(
        AuditEvent.objects.for_tenant(actor.tenant)
        .filter(action=AUDIT_ACTION, object_type="customer")
        .order_by("-created_at", "-pk")
        .values("object_id", "before", "after", "created_at")[
            : limit * 3 if not actor.sees_whole_tenant else limit
        ]
    )
    ids = {int(e["object_id"]) for e in events if str(e["object_id"]).isdigit()}
    names = dict(visible_customers(actor).filter(pk__in=ids).values_list("pk", "name"))
    changes = []
    for event in events:
        pk = int(event["object_id"]) if str(event["object_id"]).isdigit() else None
        if pk is None or pk not in names:
            continue
        changes.append(
            AccountTypeChange(
                customer_id=pk,
                customer_name=names[pk],
                before=(event["before"] or {}).get("account_type", ""),
                after=(event["after"] or {}).get("account_type", ""),
                at=event["created_at"],
            )
        )
    return changes[:limit]


@dataclass(frozen=True)
class JobRuns:
    """A job type's newest finished job (None: never finished) and its newest unfinished one."""

    last: Job | None
    waiting: Job | None


def enrichment_jobs_latest(*, actor: Actor) -> dict[str, JobRuns]:
    """Return, for each enrichment job type, its newest finished and newest unfinished job in the
    actor's tenant (four small queries)."""
    found = {}
    for job_type in RUNNABLE:
        jobs = Job.objects.for_tenant(actor.tenant).filter(type=job_type).order_by("-created_at")
        found[job_type] = JobRuns(
            last=jobs.filter(status__in=FINISHED).order_by("-finished_at", "-created_at").first(),
            waiting=jobs.exclude(status__in=FINISHED).first(),
        )
    return found
