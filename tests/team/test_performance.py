"""Team performance on the Team page: each rep's week, worked out by hand from the dashboard's fixed book
(tests/dashboard/conftest.py, where the clock is pinned to a Wednesday ``T`` and the week began on ``T-2``).

rep1: this week 100 (Alder T-2; the cancelled Gin order T left out) of 500, 20%; last week 50 (Alder T-9)
      of 400, 12%; activities this week 3 (Alder visit Monday 00:00, Birch call T, Cedar tasting T-1);
      at risk 1 (Birch).
rep2: this week 70 (Ivy T-1) of 300, 23%; last week 70 (Ivy T-8), no quota; activities 2; at risk 1 (Hazel).
rep3 (outside the manager's team): this week 200 (Maple T) of 1000, 20%; last week 0; activities 1;
      at risk 1 (Laurel).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from leora.metrics.models import MetricDefinition
from leora.team.selectors import team_performance
from tests import factories
from tests.conftest import World
from tests.dashboard.conftest import Book

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures(world: World, user: Any, day: Any) -> dict[str, tuple[Any, ...]]:
    performance = team_performance(actor=factories.actor(world.acme, user), today=day)
    return {
        row.person.email.split("@")[0]: (
            row.this_week.revenue,
            row.this_week.target,
            row.this_week.attainment,
            row.last_week.revenue,
            row.last_week.target,
            row.activities,
            row.at_risk,
        )
        for row in performance.rows
    }


def test_a_manager_reads_each_of_their_reps_week(world: World, book: Book) -> None:
    assert figures(world, world.manager, book.today) == {
        "rep1": (Decimal(100), Decimal(500), 20, Decimal(50), Decimal(400), 3, 1),
        "rep2": (Decimal(70), Decimal(300), 23, Decimal(70), None, 2, 1),
    }


def test_an_admin_reads_every_rep_of_the_tenant(world: World, book: Book) -> None:
    rows = figures(world, world.admin, book.today)
    assert set(rows) == {"rep1", "rep2", "rep3"}
    assert rows["rep3"] == (Decimal(200), Decimal(1000), 20, Decimal(0), None, 1, 1)


def test_without_the_at_risk_metric_the_count_is_unknown_not_invented(world: World, book: Book) -> None:
    MetricDefinition.objects.for_tenant(world.acme).filter(code="at_risk_customer").delete()
    performance = team_performance(actor=factories.actor(world.acme, world.manager), today=book.today)
    assert not performance.at_risk_known
    assert [row.at_risk for row in performance.rows] == [None, None]


def test_the_page_links_each_number_to_the_rows_behind_it(world: World, book: Book) -> None:
    body = signed_in(world.manager).get("/team/performance/", headers=HTMX).content.decode()
    rep1 = world.rep1.pk
    assert f'href="/dashboard/drilldown/this-week-revenue/?rep_id={rep1}"' in body
    assert f'href="/dashboard/drilldown/last-week-revenue/?rep_id={rep1}"' in body
    assert f'href="/dashboard/drilldown/at-risk-cadence/?rep_id={rep1}"' in body
    monday, sunday = book.monday.isoformat(), (book.monday + timedelta(days=6)).isoformat()
    assert f'href="/activities/?rep={rep1}&amp;occurred_from={monday}&amp;occurred_to={sunday}"' in body
    assert "$100" in body and "of $500" in body and "20%" in body
    assert "rep3" not in body.lower()


def test_the_activities_link_lists_the_activities_counted(world: World, book: Book) -> None:
    client = signed_in(world.manager)
    body = client.get("/team/performance/", headers=HTMX).content.decode()
    start = body.index(f"/activities/?rep={world.rep1.pk}")
    link = body[start : body.index('"', start)].replace("&amp;", "&")
    listed = client.get(link).content.decode()
    assert "3 activities" in listed


def test_the_team_page_reserves_a_box_that_loads_the_performance(world: World, book: Book) -> None:
    body = signed_in(world.manager).get("/team/").content.decode()
    assert 'hx-get="/team/performance/" hx-trigger="load"' in body


def test_without_htmx_performance_is_a_page_of_its_own(world: World, book: Book) -> None:
    body = signed_in(world.manager).get("/team/performance/").content.decode()
    assert "<html" in body and "Team performance" in body and "Rep1" in body


def test_a_rep_is_refused_team_performance(world: World, book: Book) -> None:
    assert signed_in(world.rep1).get("/team/performance/").status_code == 403


def test_team_performance_costs_the_same_queries_for_more_reps(
    world: World, book: Book, django_assert_num_queries: Any
) -> None:
    client = signed_in(world.admin)
    client.get("/team/performance/", headers=HTMX)
    for n in range(4):
        rep = factories.make_user(world.acme, f"extra{n}@acme.test", manager=world.manager)
        customer = factories.make_customer(world.acme, rep)
        factories.make_order(customer, order_date=book.today, total=Decimal(10))
        factories.make_activity(customer, rep)
    # session, user, membership; quotas, people, revenue; activities; the metric's definition and
    # version, then the at-risk counts
    with django_assert_num_queries(10):
        assert client.get("/team/performance/", headers=HTMX).status_code == 200
