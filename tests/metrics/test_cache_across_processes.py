"""Cached metric counts follow writes made by any process: web servers and workers share the cache."""

import os
import subprocess
import sys

import pytest

from leora.metrics.services import metric_count, metric_create
from leora.tenancy.scoping import scopes_disabled
from tests import factories
from tests.conftest import World
from tests.jobs import processes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ADD_AN_ORDER = """
from leora.crm.models import Customer
from leora.tenancy.scoping import scopes_disabled
from tests.factories import make_order
with scopes_disabled():
    make_order(Customer.objects.get(pk={customer_id}))
"""


def test_an_order_written_by_another_process_invalidates_the_cached_count(world: World) -> None:
    # given a segment whose cached count is 0
    with scopes_disabled():
        customer = factories.make_customer(world.acme, world.rep1)
        for _ in range(2):
            factories.make_order(customer)
    admin = factories.actor(world.acme, world.admin)
    metric_create(actor=admin, code="three_orders_or_more", name="Three orders", kind="segment",
                  formula="order_count >= 3")  # fmt: skip
    assert metric_count(world.acme, "three_orders_or_more", admin) == 0

    # when another process (a worker, another web server) records a third order
    env = {
        **os.environ,
        "DATABASE_URL": processes.test_database_url(),
        "DJANGO_SETTINGS_MODULE": "leora.settings",
    }
    code = ADD_AN_ORDER.format(customer_id=customer.pk)
    subprocess.run(
        [sys.executable, "-m", "leora.cli", "shell", "-c", code], cwd=processes.ROOT, env=env, check=True
    )

    # then this process's next count sees it
    assert metric_count(world.acme, "three_orders_or_more", admin) == 1
