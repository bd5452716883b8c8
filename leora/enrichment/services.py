"""Writes of the enrichment app: the jobs it enqueues (after an order, and an admin's Run now)."""

from __future__ import annotations

from django.db import transaction

from leora.crm.models import Order
from leora.errors import InvalidInput
from leora.jobs.models import Job
from leora.jobs.queue import job_enqueue
from leora.tenancy.actors import Actor, require_role
from leora.tenancy.models import Role, Tenant
from leora.tenancy.services.audit import audit_record

ENRICHMENT_JOB = "customer_enrichment"
ACCOUNT_TYPE_JOB = "account_type_update"
RUNNABLE = (ENRICHMENT_JOB, ACCOUNT_TYPE_JOB)


def customer_key(customer_id: int) -> str:
    """The idempotency key of one customer's enrichment job: one pending job however many orders."""
    return f"customer:{customer_id}"


def enrichment_after_order(*, order: Order) -> None:
    """Enqueue the enrichment of ``order``'s customer once the order's transaction commits.

    On commit, not in the transaction: the job sees the order with its lines, and a rolled-back order
    enqueues nothing. A burst of orders for one customer shares the one unfinished job (its
    idempotency key); an order that arrives while that job already runs is picked up by the nightly
    run. ``robust``: a queue problem never turns a saved order into an error.
    """
    tenant_id, customer_id = order.tenant_id, order.customer_id
    cached = type(order).tenant.is_cached(order)
    tenant = order.tenant if cached else None

    def enqueue() -> None:
        job_enqueue(
            job_type=ENRICHMENT_JOB,
            payload={"customer_ids": [customer_id]},
            tenant=tenant or Tenant.objects.get(pk=tenant_id),
            idempotency_key=customer_key(customer_id),
        )

    transaction.on_commit(enqueue, robust=True)


@transaction.atomic
def enrichment_run_request(*, actor: Actor, job_type: str = ENRICHMENT_JOB) -> Job:
    """An admin asks for the tenant-wide run of ``job_type`` now; returns the job (the unfinished
    one already asked for, if any). Audited."""
    require_role(actor, Role.ADMIN, message="only admins can run enrichment jobs")
    if job_type not in RUNNABLE:
        raise InvalidInput.on("type", f"choose one of {', '.join(RUNNABLE)}")
    job = job_enqueue(
        job_type=job_type,
        payload={},
        tenant=actor.tenant,
        created_by=actor.user,
        idempotency_key="run-now",
    )
    audit_record(
        tenant=actor.tenant, actor=actor.user, action="enrichment.run", obj=job, after={"type": job_type}
    )
    return job
