"""webhook_dispatch: POST one delivery to its subscriber's URL, signed; retried by the queue with backoff.

The payload names the delivery row (``deliveries_for_event`` or ``webhook_test_send`` wrote it), which
holds the exact body; the handler signs it afresh on each attempt and logs the attempt. An attempt that
fails raises, so the queue retries it after its exponential backoff; the last attempt ends the delivery
``failed`` without failing the job (the delivery log and the disabling notification are how admins
hear of a subscriber that is down, not one job-failure alert per event).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from leora.jobs.context import JobContext, PermanentFailure
from leora.jobs.registry import Payload, register
from leora.webhooks.models import DeliveryStatus, WebhookDelivery
from leora.webhooks.services import JOB_TYPE, delivery_attempt


class WebhookDispatchPayload(Payload):
    delivery_id: int = Field(..., ge=1, description="the WebhookDelivery to send")


@register(
    JOB_TYPE, schema=WebhookDispatchPayload, priority=5, max_attempts=8, timeout_seconds=60,
    description="Delivers one webhook event.",
)  # fmt: skip
def webhook_dispatch(ctx: JobContext, payload: WebhookDispatchPayload) -> dict[str, Any]:
    """Make one attempt of the delivery; returns the outcome, raises to be retried."""
    tenant = ctx.tenant
    if tenant is None:
        raise PermanentFailure("webhook_dispatch needs a tenant")
    delivery = (
        WebhookDelivery.objects.for_tenant(tenant)
        .select_related("subscription", "tenant")
        .filter(pk=payload.delivery_id)
        .first()
    )
    if delivery is None:
        # The webhook was deleted with its log after this job was queued: nothing left to send.
        return {"delivered": False, "skipped": True, "reason": "the webhook was deleted"}
    if delivery.status != DeliveryStatus.PENDING:
        return {"delivered": delivery.status == DeliveryStatus.SUCCEEDED, "skipped": True}
    return delivery_attempt(
        delivery=delivery, attempt=ctx.attempt, last_attempt=ctx.attempt >= ctx.job.max_attempts
    )
