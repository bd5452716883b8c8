"""Writes that bypass model signals (a payment's conditional update, moving a book of customers) still
invalidate what is derived from the book, through ``book_changed``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from leora.crm.services.books import customers_reassign
from leora.crm.services.invoices import invoice_payment_record
from leora.metrics.evaluation import metric_count
from tests import factories
from tests.conftest import World


def test_recording_a_payment_invalidates_the_cached_overdue_balance_count(
    world: World, unscoped: None
) -> None:
    # given
    admin = factories.actor(world.acme, world.admin)
    today = timezone.localdate()
    customer = factories.make_customer(world.acme, world.rep1)
    invoice = factories.make_invoice(
        customer, "100", issued_on=today - timedelta(days=40), due_on=today - timedelta(days=10)
    )
    assert metric_count(world.acme, "overdue_balance", admin, today=today) == 1
    # when
    invoice_payment_record(actor=admin, invoice=invoice, amount=Decimal("100"))
    # then
    assert metric_count(world.acme, "overdue_balance", admin, today=today) == 0


def test_moving_a_book_invalidates_the_new_owners_cached_counts(world: World, unscoped: None) -> None:
    # given
    admin = factories.actor(world.acme, world.admin)
    rep2 = factories.actor(world.acme, world.rep2)
    today = timezone.localdate()
    customer = factories.make_customer(world.acme, world.rep1)
    factories.make_invoice(
        customer, "100", issued_on=today - timedelta(days=40), due_on=today - timedelta(days=10)
    )
    assert metric_count(world.acme, "overdue_balance", rep2, today=today) == 0
    # when
    customers_reassign(actor=admin, from_user_id=world.rep1.pk, to_user_id=world.rep2.pk)
    # then
    assert metric_count(world.acme, "overdue_balance", rep2, today=today) == 1
