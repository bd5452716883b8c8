"""The customer page's sections say how many rows they have in all, though they show the newest few."""

import pytest

from leora.crm.selectors.customer_detail import customer_detail_get
from tests.conftest import World
from tests.crm.conftest import Book
from tests.factories import actor, make_activity, make_contact

pytestmark = pytest.mark.django_db


def test_the_activity_count_covers_every_activity_beyond_the_newest_twelve(
    world: World, book: Book, unscoped: None
) -> None:
    for n in range(15):
        make_activity(book.rep1, world.rep1, "call", subject=f"Call {n}")
    make_activity(book.rep2, world.rep2, "call")
    detail = customer_detail_get(actor=actor(world.acme, world.rep1), customer_id=book.rep1.pk)
    assert (len(detail.activities), detail.activity_count) == (12, 15)


def test_counts_are_zero_for_an_empty_section(world: World, book: Book) -> None:
    detail = customer_detail_get(actor=actor(world.acme, world.rep1), customer_id=book.rep1.pk)
    assert (detail.activity_count, detail.contact_count) == (0, 0)


def test_the_contact_count_is_of_this_customers_contacts(world: World, book: Book, unscoped: None) -> None:
    make_contact(book.rep1, name="Ana")
    make_contact(book.rep1, name="Ben")
    make_contact(book.rep1b, name="Cy")
    detail = customer_detail_get(actor=actor(world.acme, world.rep1), customer_id=book.rep1.pk)
    assert detail.contact_count == 2
