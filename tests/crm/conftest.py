"""Fixtures shared by the CRM tests: a book of customers spread over the reps of both tenants."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from leora.crm.models import Customer
from tests.conftest import World
from tests.factories import make_customer


@dataclass
class Book:
    """One customer per acme rep, a second (target) account for rep1, and one in the other tenant."""

    rep1: Customer  # Blue Door Bistro, in Napa
    rep1b: Customer  # Fig Tree Wines, a target account
    rep2: Customer  # Corner Cellar
    rep3: Customer  # Harbor Hotel, outside the manager's team
    other: Customer  # Elsewhere Bar, in tenant "other"


@pytest.fixture
def book(world: World, unscoped: None) -> Book:
    return Book(
        rep1=make_customer(world.acme, world.rep1, name="Blue Door Bistro", city="Napa"),
        rep1b=make_customer(world.acme, world.rep1, name="Fig Tree Wines", account_type="TARGET"),
        rep2=make_customer(world.acme, world.rep2, name="Corner Cellar"),
        rep3=make_customer(world.acme, world.rep3, name="Harbor Hotel"),
        other=make_customer(world.other, world.other_rep, name="Elsewhere Bar"),
    )
