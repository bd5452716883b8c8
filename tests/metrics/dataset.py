"""A small deterministic tenant with every shape of customer the formulas must handle."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from leora.crm.models import Customer, Order, OrderLine
from leora.tenancy.models import Tenant, User
from tests import factories

TODAY = date(2025, 3, 14)


def build(tenant: Tenant, reps: list[User | None], seed: int = 7, customers: int = 40) -> list[Customer]:
    """Create ``customers`` varied customers in ``tenant`` (orders, lines, invoices, activities)."""
    rng = random.Random(seed)
    products = [factories.make_product(tenant, unit_price=Decimal("10.00")) for _ in range(6)]
    created: list[Customer] = []
    for index in range(customers):
        # Creation times near midnight make the tenant's time zone matter for customer_age_days.
        created_at = datetime(2024, 12, 1, tzinfo=UTC) + timedelta(
            days=rng.randint(0, 200), hours=rng.choice([1, 7, 23])
        )
        customer = factories.make_customer(
            tenant,
            rng.choice(reps),
            account_type=rng.choice(["PROSPECT", "TARGET", "ACTIVE"]),
            status=rng.choice(["active", "active", "on_hold", "closed"]),
            territory=rng.choice(["North", "South", ""]),
            created_at=created_at,
        )
        created.append(customer)
        shape = index % 8
        order_count = [0, 1, 2, 3, 5, 13, 20, rng.randint(0, 25)][shape]
        day = TODAY - timedelta(days=rng.randint(0, 200))
        for _ in range(order_count):
            status = "cancelled" if rng.random() < 0.1 else rng.choice(["submitted", "fulfilled", "draft"])
            order = Order.objects.create_for(
                tenant,
                customer=customer,
                order_number=f"O-{customer.pk}-{day.isoformat()}-{rng.randint(0, 10**9)}",
                order_date=day,
                status=status,
                total=Decimal(rng.randint(0, 800)) / 2,
            )
            for product in rng.sample(products, rng.randint(1, 3)):
                OrderLine.objects.create_for(
                    tenant, order=order, product=product, quantity=1, unit_price=Decimal("10"),
                    line_total=Decimal("10"),
                )  # fmt: skip
            # Same-day reorders happen: a gap of 0 must not break the median or the ratio.
            day = day - timedelta(days=rng.choice([0, 3, 7, 7, 14, 14, 30, 45, 200]))
        for _ in range(rng.randint(0, 3)):
            issued = TODAY - timedelta(days=rng.randint(0, 120))
            amount = Decimal(rng.randint(0, 400)) / 2
            factories.make_invoice(
                customer,
                str(amount),
                paid=str(rng.choice([Decimal("0"), amount, amount / 2 if amount else Decimal("0")])),
                issued_on=issued,
                due_on=issued + timedelta(days=rng.choice([0, 15, 30])),
            )
        for _ in range(rng.randint(0, 3)):
            occurred = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) - timedelta(
                days=rng.randint(0, 120), hours=rng.choice([2, 9, 22])
            )
            factories.make_activity(customer, occurred_at=occurred)
    return created
