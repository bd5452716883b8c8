"""The figures of each report type, read through the CRM's selectors and the tenant's metrics.

Every number here comes from a selector or a metric that the pages and the API already use: revenue
against quota from ``crm.selectors.quotas`` (``revenue_orders``, ``rep_week_revenue``), at-risk accounts
from the tenant's ``at_risk_customer`` metric, aging from ``crm.selectors.invoices`` (``days_past_due``,
``aging_bucket``), product figures from the revenue orders' lines, a statement from ``invoice_rows``.
A builder returns a ``ReportData``: typed columns, rows, totals, headline figures and charts, which the
writers turn into CSV, XLSX or PDF without knowing which report it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum

from leora.crm.models import Customer, Product
from leora.crm.selectors.invoices import aging_bucket, days_past_due, invoice_list, invoice_rows
from leora.crm.selectors.quotas import attainment, quota_list, quota_people, rep_week_revenue, revenue_orders
from leora.crm.visibility import get_visible, visible_customers
from leora.dashboard.widgets.common import with_attributes
from leora.errors import InvalidInput, NotFound
from leora.metrics.evaluation import metric_customers
from leora.metrics.formula.catalog import from_day_number
from leora.tenancy.actors import Actor
from leora.tenancy.calendar import tenant_today, week_start
from leora.tenancy.models import User
from leora.web.formatting import format_date, format_money

# The tenant's segment metric behind "at-risk accounts" (the one the Team page and the dashboard read).
AT_RISK_METRIC = "at_risk_customer"
AGING_COLUMNS = ("current", "1-30", "31-60", "61-90", "90+")

Kind = Literal["text", "money", "int", "date", "percent"]


class ReportUnavailable(Exception):
    """The report cannot be built from what the tenant has (no such metric, a customer gone)."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Chart:
    """A bar or line chart of one series, drawn as SVG on the server for the PDF."""

    title: str
    kind: Literal["bar", "line"]
    labels: list[str]
    values: list[float]
    unit: str  # "money" or a plain unit word such as "accounts"


@dataclass
class ReportData:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    # Headline figures for the PDF's summary line: (label, value already formatted).
    summary: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportRequest:
    """What a builder needs: the scope to read with (the requester's actor, narrowed when a rep was
    chosen), the range, and the customer of a statement."""

    actor: Actor
    date_from: date
    date_to: date
    customer_id: int | None = None

    @property
    def currency(self) -> str:
        return self.actor.tenant.currency

    def money(self, amount: Decimal | float | int | None) -> str:
        return format_money(amount, self.currency)


Progress = Callable[[float, str], None]


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


# ---------------------------------------------------------------------------------------- sales by rep


def sales_by_rep(request: ReportRequest, progress: Progress) -> ReportData:
    """Each rep's revenue and quota per week, for the weeks from the one of ``date_from`` to the one of
    ``date_to`` (whole weeks, as quotas are): ``rep_week_revenue`` and the quotas of those weeks."""
    actor = request.actor
    first, last = week_start(request.date_from), week_start(request.date_to)
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    revenue = rep_week_revenue(actor=actor, week_from=first, week_to=last)
    progress(30, "revenue read")
    targets = {
        (q.user_id, q.week_start): q.revenue_target
        for q in quota_list(actor=actor, week_start_from=first, week_start_to=last)
    }
    people_ids = {user_id for user_id, _ in revenue} | {user_id for user_id, _ in targets}
    people = list(quota_people(actor=actor, user_ids=people_ids))
    # Revenue of a customer whose rep left the actor's view still counts under that rep's name.
    known = {p.pk for p in people}
    people += list(User.objects.filter(pk__in=people_ids - known).order_by("full_name", "email"))
    progress(50, "quotas read")

    rows: list[dict[str, Any]] = []
    by_rep: dict[int, Decimal] = defaultdict(Decimal)
    by_week: dict[date, Decimal] = defaultdict(Decimal)
    for person in people:
        for week in weeks:
            earned = revenue.get((person.pk, week), Decimal(0))
            target = targets.get((person.pk, week))
            by_rep[person.pk] += earned
            by_week[week] += earned
            rows.append(
                {
                    "rep": person.display_name,
                    "email": person.email,
                    "week_start": week,
                    "revenue": earned,
                    "target": target,
                    "attainment": attainment(earned, target),
                }
            )
    total_revenue = _sum(list(by_rep.values()))
    total_target = _sum([row["target"] for row in rows])
    # Attainment over the weeks that had a quota: revenue of weeks without one would inflate it.
    reached = attainment(_sum([row["revenue"] for row in rows if row["target"] is not None]), total_target)
    return ReportData(
        title="Sales by rep and week",
        columns=[
            Column("rep", "Rep"),
            Column("email", "Email"),
            Column("week_start", "Week starting", "date"),
            Column("revenue", "Revenue", "money"),
            Column("target", "Quota", "money"),
            Column("attainment", "Attainment %", "percent"),
        ],
        rows=rows,
        totals={
            "rep": "Total",
            "revenue": total_revenue,
            "target": total_target or None,
            "attainment": reached,
        },
        summary=[
            ("Revenue", request.money(total_revenue)),
            ("Quota", request.money(total_target) if total_target else "—"),
            ("Attainment of quota", f"{reached}%" if reached is not None else "—"),
            ("Reps", str(len(people))),
        ],
        charts=[
            Chart(
                "Revenue by rep",
                "bar",
                [p.display_name for p in people],
                [float(by_rep[p.pk]) for p in people],
                "money",
            ),
            Chart(
                "Revenue by week",
                "line",
                [f"{w.day} {w:%b}" for w in weeks],
                [float(by_week[w]) for w in weeks],
                "money",
            ),
        ],
        notes=["Weeks run Monday to Sunday; revenue counts orders that are not cancelled, by order date."],
    )


# ------------------------------------------------------------------------------------ at-risk accounts


CADENCE = [
    "days_since_last_order",
    "median_order_interval_days",
    "average_order_value",
    "expected_next_order_date",
]


def at_risk_accounts(request: ReportRequest, progress: Progress) -> ReportData:
    """The customers the tenant's ``at_risk_customer`` metric counts today, most overdue first, with
    their cadence facts and their revenue between the range's days."""
    actor = request.actor
    today = tenant_today(actor.tenant)
    try:
        members = metric_customers(actor.tenant, AT_RISK_METRIC, actor, today=today)
    except (NotFound, InvalidInput):
        raise ReportUnavailable(
            f"this team has no segment metric {AT_RISK_METRIC!r}: an admin defines which accounts are at risk"
        ) from None
    most_overdue: str = "-attr_days_since_last_order"  # annotated by with_attributes
    customers: list[Customer] = list(
        with_attributes(members, actor.tenant, today, CADENCE)
        .select_related("assigned_rep")
        .order_by(most_overdue, "name", "pk")
    )
    progress(40, f"{len(customers)} accounts at risk")
    period = (
        revenue_orders(actor=actor, date_from=request.date_from, date_to=request.date_to)
        .filter(customer_id__in=[c.pk for c in customers])
        .prefetch_related(None)
        .order_by()
        .values("customer_id")
        .annotate(revenue=Sum("total"))
    )
    revenue = {row["customer_id"]: row["revenue"] for row in period}
    rows = []
    per_rep: dict[str, int] = defaultdict(int)
    for c in customers:
        rep = c.assigned_rep.display_name if c.assigned_rep else "Unassigned"
        per_rep[rep] += 1
        days = getattr(c, "attr_days_since_last_order", None)
        interval = getattr(c, "attr_median_order_interval_days", None)
        usual = getattr(c, "attr_average_order_value", None)
        rows.append(
            {
                "customer": c.name,
                "account_number": c.account_number,
                "rep": rep,
                "days_since_last_order": None if days is None else round(days),
                "usual_interval_days": None if interval is None else round(interval),
                "usual_order_value": None if usual is None else Decimal(str(usual)).quantize(Decimal("0.01")),
                "expected_next_order": from_day_number(getattr(c, "attr_expected_next_order_date", None)),
                "revenue": revenue.get(c.pk, Decimal(0)),
            }
        )
    at_stake = _sum([row["usual_order_value"] for row in rows])
    reps = sorted(per_rep)
    return ReportData(
        title="At-risk accounts",
        columns=[
            Column("customer", "Customer"),
            Column("account_number", "Account number"),
            Column("rep", "Rep"),
            Column("days_since_last_order", "Days since last order", "int"),
            Column("usual_interval_days", "Usual interval (days)", "int"),
            Column("usual_order_value", "Usual order value", "money"),
            Column("expected_next_order", "Expected next order", "date"),
            Column("revenue", "Revenue in period", "money"),
        ],
        rows=rows,
        totals={
            "customer": "Total",
            "usual_order_value": at_stake,
            "revenue": _sum([r["revenue"] for r in rows]),
        },
        summary=[
            ("Accounts at risk", str(len(rows))),
            ("Usual order value at stake", request.money(at_stake)),
            ("As of", format_date(today)),
        ],
        charts=[Chart("At-risk accounts by rep", "bar", reps, [float(per_rep[r]) for r in reps], "accounts")],
        notes=[f"Accounts in the team's {AT_RISK_METRIC} segment on {format_date(today)}."],
    )


# ------------------------------------------------------------------------------------- balances aging


def balances_aging(request: ReportRequest, progress: Progress) -> ReportData:
    """What each visible customer owes on the open invoices issued between the range's days, aged
    today in the CRM's buckets (``days_past_due`` and ``aging_bucket``, as the invoice API does)."""
    actor = request.actor
    today = tenant_today(actor.tenant)
    balance = ExpressionWrapper(
        F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    invoices = (
        invoice_list(actor=actor, open=True)
        .filter(issued_on__gte=request.date_from, issued_on__lte=request.date_to)
        .select_related("customer__assigned_rep")
        .annotate(outstanding=balance)
        .order_by("customer__name", "customer_id", "due_on", "pk")
    )
    by_customer: dict[int, dict[str, Any]] = {}
    for invoice in invoices:
        customer = invoice.customer
        row = by_customer.get(customer.pk)
        if row is None:
            rep = customer.assigned_rep
            row = by_customer[customer.pk] = {
                "customer": customer.name,
                "account_number": customer.account_number,
                "rep": rep.display_name if rep else "Unassigned",
                **dict.fromkeys(AGING_COLUMNS, Decimal(0)),
                "total": Decimal(0),
                "invoices": 0,
            }
        row[aging_bucket(days_past_due(invoice, today))] += invoice.balance
        row["total"] += invoice.balance
        row["invoices"] += 1
    progress(50, f"{len(by_customer)} customers with a balance")
    rows = list(by_customer.values())
    totals: dict[str, Any] = {"customer": "Total"}
    for key in (*AGING_COLUMNS, "total", "invoices"):
        totals[key] = sum((row[key] for row in rows), Decimal(0) if key != "invoices" else 0)
    outstanding = totals["total"]
    return ReportData(
        title="Balances aging",
        columns=[
            Column("customer", "Customer"),
            Column("account_number", "Account number"),
            Column("rep", "Rep"),
            Column("invoices", "Open invoices", "int"),
            Column("current", "Current", "money"),
            Column("1-30", "1-30 days", "money"),
            Column("31-60", "31-60 days", "money"),
            Column("61-90", "61-90 days", "money"),
            Column("90+", "Over 90 days", "money"),
            Column("total", "Balance", "money"),
        ],
        rows=rows,
        totals=totals,
        summary=[
            ("Outstanding", request.money(outstanding)),
            ("Overdue", request.money(outstanding - totals["current"])),
            ("Customers", str(len(rows))),
            ("Aged on", format_date(today)),
        ],
        charts=[
            Chart(
                "Balance by age",
                "bar",
                ["Current", "1-30", "31-60", "61-90", "90+"],
                [float(totals[key]) for key in AGING_COLUMNS],
                "money",
            )
        ],
        notes=["Open invoices issued in the period, aged by days past their due date today."],
    )


# -------------------------------------------------------------------------------- product performance


def _product_totals(actor: Actor, first: date, last: date) -> dict[int, dict[str, Any]]:
    # From the period's revenue orders to their lines, as the dashboard's top products widget reads them.
    rows = (
        revenue_orders(actor=actor, date_from=first, date_to=last)
        .prefetch_related(None)
        .select_related(None)
        .order_by()
        .filter(lines__isnull=False)
        .values("lines__product_id")
        .annotate(
            revenue=Sum("lines__line_total"),
            units=Sum("lines__quantity"),
            orders=Count("pk", distinct=True),
            customers=Count("customer_id", distinct=True),
        )
    )
    return {row["lines__product_id"]: dict(row) for row in rows}


def product_performance(request: ReportRequest, progress: Progress) -> ReportData:
    """Each product sold in the range: units, orders, customers and revenue from the revenue orders'
    lines, its share of the period's revenue and the change against the period of the same length
    just before."""
    actor = request.actor
    days = (request.date_to - request.date_from).days + 1
    current = _product_totals(actor, request.date_from, request.date_to)
    progress(35, f"{len(current)} products sold")
    prior = _product_totals(
        actor, request.date_from - timedelta(days=days), request.date_from - timedelta(days=1)
    )
    products = Product.objects.for_tenant(actor.tenant).in_bulk(list(current))
    total = _sum([row["revenue"] for row in current.values()])
    ranked = sorted(current.items(), key=lambda item: (-(item[1]["revenue"] or 0), item[0]))
    rows = []
    for product_id, row in ranked:
        product = products[product_id]
        revenue = row["revenue"] or Decimal(0)
        before = (prior.get(product_id) or {}).get("revenue") or Decimal(0)
        rows.append(
            {
                "product": product.name,
                "sku": product.sku,
                "brand": product.brand,
                "units": row["units"] or 0,
                "orders": row["orders"],
                "customers": row["customers"],
                "revenue": revenue,
                "share": round(revenue * 100 / total) if total else None,
                "prior_revenue": before,
                "change": round((revenue - before) * 100 / before) if before else None,
            }
        )
    top = rows[:10]
    return ReportData(
        title="Product performance",
        columns=[
            Column("product", "Product"),
            Column("sku", "SKU"),
            Column("brand", "Brand"),
            Column("units", "Units", "int"),
            Column("orders", "Orders", "int"),
            Column("customers", "Customers", "int"),
            Column("revenue", "Revenue", "money"),
            Column("share", "Share %", "percent"),
            Column("prior_revenue", "Previous period", "money"),
            Column("change", "Change %", "percent"),
        ],
        rows=rows,
        totals={
            "product": "Total",
            "units": sum(r["units"] for r in rows),
            "revenue": total,
            "prior_revenue": _sum([r["prior_revenue"] for r in rows]),
        },
        summary=[
            ("Revenue", request.money(total)),
            ("Units", f"{sum(r['units'] for r in rows):,}"),
            ("Products sold", str(len(rows))),
        ],
        charts=[
            Chart(
                "Top products by revenue",
                "bar",
                [r["product"] for r in top],
                [float(r["revenue"]) for r in top],
                "money",
            )
        ],
        notes=[f"Compared with the {days} days before the period."],
    )


# --------------------------------------------------------------------------------- customer statement


def customer_statement(request: ReportRequest, progress: Progress) -> ReportData:
    """One customer's invoices and payments between the range's days with a running balance, opening
    with what was owed before the range. Paid amounts recorded before payments were itemised count
    as paid on the invoice's date, so the closing balance is what the invoices still show."""
    actor = request.actor
    if request.customer_id is None:
        raise ReportUnavailable("a customer statement needs a customer")
    try:
        customer = get_visible(visible_customers(actor), request.customer_id, "customer")
    except NotFound:
        raise ReportUnavailable("the customer is gone or no longer in the requester's book") from None
    entries: list[tuple[date, int, str, str, Decimal, Decimal]] = []
    for row in invoice_rows(actor=actor, invoices=invoice_list(actor=actor, customer_id=customer.pk)):
        invoice = row.invoice
        entries.append((invoice.issued_on, 0, "Invoice", invoice.invoice_number, invoice.amount, Decimal(0)))
        if row.earlier_paid > 0:
            entries.append(
                (
                    invoice.issued_on,
                    1,
                    "Payment",
                    f"{invoice.invoice_number} (paid earlier)",
                    Decimal(0),
                    row.earlier_paid,
                )
            )
        for payment in row.payments:
            reference = f"{invoice.invoice_number} · {payment.get_method_display()}"
            if payment.reference:
                reference += f" {payment.reference}"
            entries.append((payment.paid_on, 2, "Payment", reference, Decimal(0), payment.amount))
    entries.sort(key=lambda e: (e[0], e[1], e[3]))
    progress(50, f"{len(entries)} invoices and payments")
    opening = sum(
        (charge - paid for day, _, _, _, charge, paid in entries if day < request.date_from), Decimal(0)
    )
    balance = opening
    rows: list[dict[str, Any]] = [
        {
            "date": request.date_from,
            "entry": "Opening balance",
            "reference": "",
            "charges": None,
            "payments": None,
            "balance": opening,
        }
    ]
    invoiced = paid_total = Decimal(0)
    for day, _, entry, reference, charge, paid in entries:
        if not request.date_from <= day <= request.date_to:
            continue
        balance += charge - paid
        invoiced += charge
        paid_total += paid
        rows.append(
            {
                "date": day,
                "entry": entry,
                "reference": reference,
                "charges": charge or None,
                "payments": paid or None,
                "balance": balance,
            }
        )
    rows.append(
        {
            "date": request.date_to,
            "entry": "Closing balance",
            "reference": "",
            "charges": None,
            "payments": None,
            "balance": balance,
        }
    )
    address = ", ".join(part for part in (customer.street, customer.city, customer.postal_code) if part)
    return ReportData(
        title=f"Statement for {customer.name}",
        columns=[
            Column("date", "Date", "date"),
            Column("entry", "Entry"),
            Column("reference", "Reference"),
            Column("charges", "Charges", "money"),
            Column("payments", "Payments", "money"),
            Column("balance", "Balance", "money"),
        ],
        rows=rows,
        totals={"entry": "Period total", "charges": invoiced, "payments": paid_total, "balance": balance},
        summary=[
            ("Opening balance", request.money(opening)),
            ("Invoiced", request.money(invoiced)),
            ("Paid", request.money(paid_total)),
            ("Closing balance", request.money(balance)),
        ],
        notes=[f"Account {customer.account_number}" + (f" · {address}" if address else "")],
    )


BUILDERS: dict[str, Callable[[ReportRequest, Progress], ReportData]] = {
    "sales_by_rep": sales_by_rep,
    "at_risk_accounts": at_risk_accounts,
    "balances_aging": balances_aging,
    "product_performance": product_performance,
    "customer_statement": customer_statement,
}
