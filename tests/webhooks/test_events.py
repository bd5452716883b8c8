"""Each business event Leora emits reaches a subscription to it: the services write, commit, and a
delivery with the event's documented data is queued."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leora.crm.services.customers import customer_create, customer_update
from leora.crm.services.orders import LineRequest, order_create
from leora.crm.services.tasks import task_create, task_update
from leora.events import EVENTS
from leora.jobs.models import Job
from leora.jobs.queue import job_claim, job_enqueue, job_fail
from leora.metrics.services import metric_create, metric_update
from leora.tenancy.scoping import scopes_disabled
from leora.webhooks.models import WebhookDelivery
from leora.webhooks.services import deliveries_for_event
from tests import factories
from tests.conftest import World
from tests.webhooks.conftest import Receiver, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(world: World, receiver: Receiver) -> Any:
    """A subscription of acme's to every event."""
    return subscribe(world.acme, world.admin, receiver.url(), list(EVENTS)).subscription


def sent(event: str) -> list[dict[str, Any]]:
    """Return the ``data`` of every delivery of ``event`` queued so far."""
    with scopes_disabled():
        bodies = WebhookDelivery.objects.filter(event=event).order_by("pk").values_list("body", flat=True)
    return [json.loads(body)["data"] for body in bodies]


def test_customer_created(world: World, hook: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        customer = customer_create(actor=factories.actor(world.acme, world.rep1), name="Harbor Lights Hotel")

    assert sent("customer.created") == [
        {
            "id": customer.pk, "account_number": customer.account_number, "name": "Harbor Lights Hotel",
            "account_type": "PROSPECT", "status": "active", "assigned_rep_id": world.rep1.pk,
        }
    ]  # fmt: skip


def test_customer_updated_names_what_changed(
    world: World, hook: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.make_customer(world.acme, world.rep1, name="Old Mill")
    actor = factories.actor(world.acme, world.manager)

    with django_capture_on_commit_callbacks(execute=True):
        customer_update(
            actor=actor,
            customer=customer,
            changes={"name": "Old Mill Tavern", "assigned_rep_id": world.rep2.pk},
        )
        customer_update(actor=actor, customer=customer, changes={"name": "Old Mill Tavern"})

    [data] = sent("customer.updated")
    assert data["name"] == "Old Mill Tavern"
    assert data["assigned_rep_id"] == world.rep2.pk
    assert data["changed"] == ["assigned_rep_id", "name"]


def test_order_created_carries_the_total_as_a_string(
    world: World, hook: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.make_customer(world.acme, world.rep1, name="Blue Door Bistro")
    product = factories.make_product(world.acme, unit_price="18.50")

    with django_capture_on_commit_callbacks(execute=True):
        order = order_create(
            actor=factories.actor(world.acme, world.rep1), customer_id=customer.pk,
            lines=[LineRequest(product_id=product.pk, quantity=12)],
        )  # fmt: skip

    [data] = sent("order.created")
    assert data["id"] == order.pk
    assert data["order_number"] == order.order_number
    assert (data["customer_id"], data["customer_name"]) == (customer.pk, "Blue Door Bistro")
    assert (data["total"], data["currency"], data["lines"]) == ("222.00", "USD", 1)


def test_task_assigned_on_create_and_when_the_assignee_changes(
    world: World, hook: Any, django_capture_on_commit_callbacks: Any
) -> None:
    actor = factories.actor(world.acme, world.manager)

    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(actor=actor, title="Visit five lapsed accounts", assigned_to_id=world.rep1.pk)
        task_update(actor=actor, task=task, changes={"title": "Visit six lapsed accounts"})
        task_update(actor=actor, task=task, changes={"assigned_to_id": world.rep2.pk})

    assert [(d["id"], d["assigned_to_id"]) for d in sent("task.assigned")] == [
        (task.pk, world.rep1.pk),
        (task.pk, world.rep2.pk),
    ]
    assert sent("task.assigned")[1]["title"] == "Visit six lapsed accounts"


def test_metric_updated_on_each_new_version(
    world: World, hook: Any, django_capture_on_commit_callbacks: Any
) -> None:
    actor = factories.actor(world.acme, world.admin)
    definition = metric_create(
        actor=actor, code="order_total", name="Orders", kind="value", formula="order_count"
    )

    with django_capture_on_commit_callbacks(execute=True):
        metric_update(actor=actor, definition=definition, changes={"name": "Orders placed"})

    assert sent("metric.updated") == [
        {"code": "order_total", "name": "Orders placed", "kind": "value", "version": 2}
    ]


def test_job_failed_when_a_job_fails_for_good(
    world: World, hook: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job_enqueue(job_type="fail", tenant=world.acme, payload={})
    [claimed] = job_claim(worker_id="w1", types=["fail"])

    with django_capture_on_commit_callbacks(execute=True):
        job_fail(job=claimed, worker_id="w1", exc=RuntimeError("disk full"), retry=False)

    [data] = sent("job.failed")
    assert data == {
        "job_id": str(claimed.pk),
        "type": "fail",
        "attempts": 1,
        "error": "RuntimeError: disk full",
    }


def test_a_failed_webhook_delivery_is_not_itself_delivered_as_job_failed(world: World, hook: Any) -> None:
    deliveries = deliveries_for_event(
        tenant_id=world.acme.pk, event="job.failed", data={"job_id": "x", "type": "webhook_dispatch"}
    )

    assert deliveries == []
    assert not Job.objects.filter(type="webhook_dispatch").exists()


def test_extraction_and_import_events_reach_their_subscribers(world: World, hook: Any) -> None:
    # Emitted by the extraction and imports apps; the webhooks side treats them like any other.
    for event in ("extraction.completed", "import.completed"):
        [delivery] = deliveries_for_event(tenant_id=world.acme.pk, event=event, data={"job_id": "j1"})
        assert delivery.event == event
