from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from leora.tenancy.calendar import week_bounds
from leora.web.selectors import dashboard_summary
from tests.conftest import World
from tests.factories import (
    actor,
    make_activity,
    make_customer,
    make_order,
    make_product,
    make_quota,
    make_task,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(world: World) -> tuple[date, date]:
    return week_bounds(world.acme)


@pytest.fixture
def week_of_sales(world: World, unscoped: None, week: tuple[date, date]) -> None:
    """Rep1 and rep2 sell, plan and visit this week; rep3 has no quota; the other tenant sells too."""
    monday, _ = week
    wine = make_product(world.acme, unit_price=Decimal("100.00"))
    mine = make_customer(world.acme, world.rep1, name="Blue Door Bistro", account_type="ACTIVE")
    make_customer(world.acme, world.rep1, name="Fig Tree", account_type="PROSPECT")
    theirs = make_customer(world.acme, world.rep2, name="Corner Cellar", account_type="ACTIVE")
    make_order(mine, [(wine, 3)], order_date=monday)
    make_order(mine, [(wine, 1)], order_date=monday, status="cancelled")
    make_order(mine, [(wine, 9)], order_date=monday - timedelta(days=1))
    make_order(theirs, [(wine, 5)], order_date=monday)
    make_quota(world.acme, world.rep1, monday, "1200")
    make_quota(world.acme, world.rep2, monday, "800")
    make_task(world.acme, world.rep1, title="Call about the tasting", due_date=monday + timedelta(days=2))
    make_task(world.acme, world.rep1, title="Next month", due_date=monday + timedelta(days=30))
    make_task(world.acme, world.rep1, title="Already done", due_date=monday, status="done")
    make_task(world.acme, world.rep2, title="Rep two's task", due_date=monday)
    make_activity(mine, world.rep1, subject="Dropped off samples")
    make_activity(theirs, world.rep2, subject="Not for rep one")
    other = make_customer(world.other, world.other_rep, name="Elsewhere Bar", account_type="ACTIVE")
    make_order(other, [(make_product(world.other, unit_price=Decimal("999")), 1)], order_date=monday)


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_week_starts_on_monday_in_the_tenant_timezone(world: World) -> None:
    # Monday 03:00 UTC is still Sunday evening in Los Angeles: the week there began six days earlier.
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert week_bounds(world.acme, now) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week_bounds(world.other, now) == (date(2026, 11, 23), date(2026, 11, 29))


def test_a_rep_sees_revenue_of_their_own_customers_against_their_quota(
    world: World, week_of_sales: None
) -> None:
    summary = dashboard_summary(actor=actor(world.acme, world.rep1))
    assert summary.revenue.revenue == Decimal("300.00")
    assert summary.revenue.quota == Decimal("1200")
    assert summary.revenue.percent == 25


def test_a_manager_sees_the_teams_revenue_against_the_teams_quota(world: World, week_of_sales: None) -> None:
    summary = dashboard_summary(actor=actor(world.acme, world.manager))
    assert summary.revenue.revenue == Decimal("800.00")
    assert summary.revenue.quota == Decimal("2000")
    assert summary.revenue.percent == 40


def test_without_a_quota_there_is_no_percentage(world: World, week_of_sales: None) -> None:
    summary = dashboard_summary(actor=actor(world.acme, world.rep3))
    assert summary.revenue.quota is None and summary.revenue.percent is None


def test_customer_counts_are_by_account_type_within_the_reps_book(world: World, week_of_sales: None) -> None:
    summary = dashboard_summary(actor=actor(world.acme, world.rep1))
    assert summary.customer_counts == {"ACTIVE": 1, "PROSPECT": 1, "TARGET": 0}


def test_only_open_tasks_due_by_sunday_are_listed(world: World, week_of_sales: None) -> None:
    summary = dashboard_summary(actor=actor(world.acme, world.rep1))
    assert [t.title for t in summary.tasks_due] == ["Call about the tasting"]
    assert summary.tasks_due_total == 1


def test_recent_activity_is_limited_to_visible_customers(world: World, week_of_sales: None) -> None:
    summary = dashboard_summary(actor=actor(world.acme, world.rep1))
    assert [a.subject for a in summary.activities] == ["Dropped off samples"]


def test_the_dashboard_page_shows_the_reps_figures(world: World, week_of_sales: None, client: Client) -> None:
    response = signed_in(client, world.rep1).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "$300.00" in html and "of $1,200.00 quota" in html
    assert 'aria-valuenow="25"' in html
    assert "Call about the tasting" in html and "Rep two&#x27;s task" not in html
    assert "Dropped off samples" in html and "Not for rep one" not in html
    assert "$999" not in html


def test_only_admins_see_metrics_and_jobs_in_the_navigation(world: World, client: Client) -> None:
    rep_page = signed_in(client, world.rep1).get("/").content.decode()
    assert 'href="/customers/"' in rep_page and 'href="/jobs/"' not in rep_page
    admin_page = signed_in(Client(), world.admin).get("/").content.decode()
    assert 'href="/metrics/"' in admin_page and 'href="/jobs/"' in admin_page


def test_the_dashboard_runs_a_fixed_number_of_queries(
    world: World, week_of_sales: None, week: tuple[date, date], client: Client, django_assert_num_queries: Any
) -> None:
    monday, _ = week
    for n in range(6):
        rep = world.rep1 if n % 2 else world.rep2
        customer = make_customer(world.acme, rep, name=f"Shop {n}")
        overdue = monday - timedelta(days=1)
        make_task(world.acme, rep, title=f"Visit shop {n}", customer=customer, due_date=overdue)
        make_activity(customer, rep, subject=f"Called shop {n}")
    signed_in(client, world.manager)
    # session, user, membership, manager's team; then the six reads of the summary.
    with django_assert_num_queries(10):
        html = client.get("/").content.decode()
    assert html.count("Visit shop") == 6 and html.count("Called shop") == 6
