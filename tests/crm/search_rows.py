"""Rows sharing the word "cellar" for the search tests: both tenants and every rep of acme."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests import factories
from tests.conftest import World
from tests.crm.conftest import Book


def search_rows(world: World, book: Book) -> dict[str, Any]:
    """Rows sharing the word "cellar" across both tenants and every rep of acme."""
    today = timezone.localdate(timezone=world.acme.tzinfo)
    rep1_cellar = factories.make_customer(
        world.acme, world.rep1, name="Cellar Door Bistro", account_number="AC-1048",
        licence_number="47-560296", phone="+1 (415) 555-0108",
    )  # fmt: skip
    rows = {
        "rep1_cellar": rep1_cellar,
        "rep1_contact": factories.make_contact(
            book.rep1, name="Ana Cellarman", email="ana@bluedoor.test", phone="+1 415 555 0199", title="Buyer"
        ),
        "rep2_contact": factories.make_contact(book.rep2, name="Ben Cellars", email="ben@corner.test"),
        "rep3_contact": factories.make_contact(book.rep3, name="Chloe Cellar"),
        "other_customer": factories.make_customer(world.other, world.other_rep, name="Other Cellar"),
        "product": factories.make_product(
            world.acme, sku="CEL-001", name="Cellar Select Rioja", brand="Bodega"
        ),
        "old_product": factories.make_product(world.acme, sku="CEL-002", name="Cellar Reserve", active=False),
        "other_product": factories.make_product(world.other, sku="CEL-009", name="Other Cellar Gin"),
        "rep1_order": factories.make_order(rep1_cellar, order_number="SO-770001", order_date=today),
        "rep1_old_order": factories.make_order(
            book.rep1, order_number="SO-770002", order_date=today - timedelta(days=30)
        ),
        "rep2_order": factories.make_order(book.rep2, order_number="SO-770003", order_date=today),
        "rep3_order": factories.make_order(book.rep3, order_number="SO-770004", order_date=today),
        "other_order": factories.make_order(book.other, order_number="SO-770005", order_date=today),
    }
    return rows
