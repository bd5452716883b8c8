"""A small book of business for checking every report figure by hand.

``T`` is acme's today and ``M`` the Monday of its week (M <= T). The range the tests ask for is T-60 to T.

rep1 (manager's team)
  Alder Bistro    M: 5 Pinot = 50; M-7: 2 Rioja = 50; M: 10 Pinot cancelled (never counted)
  Birch Bar       T-14, T-21, T-28, T-35: 4 Rioja = 100 each (usual interval 7, 14 days since: at risk)
rep2 (manager's team)
  Hazel Hotel     T-17, T-24, T-31, T-38: 2 Rioja = 50 each (17 days since: at risk)
rep3 (outside the team)
  =HYPERLINK("http://evil.test") T: 1 Pinot = 10 (a name that a spreadsheet would run)
other tenant
  Foreign Tavern  T: 3 Foreign = 15; invoice 999/0

Quotas this week: rep1 500, rep2 300.
Invoices (amount/paid, due): Alder INV-A1 100/0 due T+25 (current), issued T-5;
Birch INV-B1 300/100 due T-30 (1-30), issued T-45, paid 100 on T-20 by cheque "CHQ-7";
Hazel INV-H1 400/0 due T-61 (61-90), issued T-90 (before the range); the =HYPERLINK customer INV-E1 50/0
due T+27 (current), issued T-3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from leora.crm.facts import facts_deferred
from leora.crm.models import AccountType, Customer, Product
from leora.crm.services.invoices import invoice_payment_record
from leora.jobs.models import Job
from leora.jobs.processing import process_jobs
from leora.tenancy.calendar import tenant_today, week_start
from tests import factories
from tests.conftest import World

INJECTION = '=HYPERLINK("http://evil.test")'


@dataclass
class Book:
    today: date
    monday: date
    products: dict[str, Product]
    customers: dict[str, Customer]

    def days(self, n: int) -> date:
        return self.today - timedelta(days=n)

    @property
    def range(self) -> dict[str, str]:
        return {"date_from": self.days(60).isoformat(), "date_to": self.today.isoformat()}


@pytest.fixture
def book(world: World, unscoped: None) -> Book:
    # Each customer's facts are refreshed once, when the whole book is written.
    with facts_deferred():
        return write_book(world)


def write_book(world: World) -> Book:
    """Write the book of the module docstring (inside ``facts_deferred`` for speed)."""
    acme = world.acme
    T = tenant_today(acme)
    M = week_start(T)
    pinot = factories.make_product(acme, name="Pinot", sku="PINOT", unit_price=Decimal("10.00"))
    rioja = factories.make_product(
        acme, name="Rioja", sku="RIOJA", brand="Bodega", unit_price=Decimal("25.00")
    )
    foreign = factories.make_product(world.other, name="Foreign", sku="PINOT", unit_price=Decimal("5.00"))

    def customer(name: str, rep: Any, tenant: Any = acme) -> Customer:
        return factories.make_customer(tenant, rep, name=name, account_type=AccountType.ACTIVE)

    c = {
        "alder": customer("Alder Bistro", world.rep1),
        "birch": customer("Birch Bar", world.rep1),
        "hazel": customer("Hazel Hotel", world.rep2),
        "evil": customer(INJECTION, world.rep3),
        "foreign": customer("Foreign Tavern", world.other_rep, world.other),
    }
    factories.make_order(c["alder"], [(pinot, 5)], order_date=M)
    factories.make_order(c["alder"], [(rioja, 2)], order_date=M - timedelta(days=7))
    factories.make_order(c["alder"], [(pinot, 10)], order_date=M, status="cancelled")
    for n in (14, 21, 28, 35):
        factories.make_order(c["birch"], [(rioja, 4)], order_date=T - timedelta(days=n))
    for n in (17, 24, 31, 38):
        factories.make_order(c["hazel"], [(rioja, 2)], order_date=T - timedelta(days=n))
    factories.make_order(c["evil"], [(pinot, 1)], order_date=T)
    factories.make_order(c["foreign"], [(foreign, 3)], order_date=T)
    factories.make_quota(acme, world.rep1, M, "500")
    factories.make_quota(acme, world.rep2, M, "300")
    factories.make_invoice(
        c["alder"],
        "100.00",
        invoice_number="INV-A1",
        issued_on=T - timedelta(days=5),
        due_on=T + timedelta(days=25),
    )
    birch = factories.make_invoice(
        c["birch"],
        "300.00",
        invoice_number="INV-B1",
        issued_on=T - timedelta(days=45),
        due_on=T - timedelta(days=30),
    )
    invoice_payment_record(
        actor=factories.actor(acme, world.admin), invoice=birch, amount=Decimal("100.00"),
        paid_on=T - timedelta(days=20), method="cheque", reference="CHQ-7",
    )  # fmt: skip
    factories.make_invoice(
        c["hazel"],
        "400.00",
        invoice_number="INV-H1",
        issued_on=T - timedelta(days=90),
        due_on=T - timedelta(days=61),
    )
    factories.make_invoice(
        c["evil"],
        "50.00",
        invoice_number="INV-E1",
        issued_on=T - timedelta(days=3),
        due_on=T + timedelta(days=27),
    )
    factories.make_invoice(c["foreign"], "999.00", invoice_number="INV-F1")
    return Book(today=T, monday=M, products={"pinot": pinot, "rioja": rioja}, customers=c)


def run_reports(max_jobs: int = 5) -> None:
    """Claim and run the ready report jobs for real, in this thread."""
    process_jobs(max_jobs=max_jobs, types=["report_generation"])


def job_of(report_id: int) -> Job:
    from leora.reports.models import Report

    report = Report.objects.select_related("job").get(pk=report_id)
    assert report.job is not None
    return report.job
