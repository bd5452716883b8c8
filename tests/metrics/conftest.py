"""Fixtures shared by the formula tests."""

from __future__ import annotations

from typing import Any

import pytest

from leora.crm.facts import facts_deferred
from leora.tenancy.models import Tenant
from tests.conftest import World
from tests.metrics import dataset
from tests.metrics.reference import attributes, load_facts


@pytest.fixture
def tenant_data(world: World, unscoped: None) -> tuple[Tenant, dict[int, dict[str, Any]]]:
    """The dataset tenant and, per customer id, every attribute as the plain-Python reference
    computes it on ``dataset.TODAY``."""
    # One facts refresh per customer at the end instead of one per row written.
    with facts_deferred():
        dataset.build(world.acme, [world.rep1, world.rep2, None])
    facts = load_facts(world.acme)
    values = {pk: attributes(f, dataset.TODAY, world.acme.tzinfo) for pk, f in facts.items()}
    return world.acme, values
