"""Each widget's data in a fixed number of queries, whatever the number of rows (the book in conftest.py
lists several customers, tasks and events per widget): the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from leora.dashboard import data
from leora.dashboard.data import widget_data
from leora.dashboard.layouts import DEFAULT_WIDGETS
from tests import factories
from tests.conftest import World
from tests.dashboard.conftest import Book


@pytest.fixture(autouse=True)
def _uncached(monkeypatch: pytest.MonkeyPatch) -> None:
    # These are the queries of computing the data; the cache in front of it is tested on its own
    # (test_data_cache.py).
    monkeypatch.setattr(data, "cached", lambda key, compute: compute())


# The queries of one widget's data, read in the viewer's own scope.
QUERIES = {
    "tasks_from_management": 3,  # the page of tasks (assigner and customer joined), the total, the overdue
    # the metric's definition and current version, the count with the money at stake, the page of
    # customers, the version named in the answer
    "at_risk_customers": 5,
    "customers_due": 5,
    "quota_progress": 2,  # this week's revenue, the quotas
    "revenue_trend": 2,  # the weeks shown, the same weeks last year
    "top_products": 3,  # this period by product, the period before, the products listed
    "new_customers": 2,  # the page (rep joined), the count
    "customer_balances": 2,  # open balances by due date, the largest debtors
    "upcoming_events": 2,  # the page (person and customer joined), the total
    "activity_summary": 2,  # this week by kind, last week by kind
}
# People who lead a team also get this week's activities by person.
LEADER_EXTRA = {"activity_summary": 1}


def _expect(counts: dict[str, int], extra: dict[str, int] | None = None) -> dict[str, int]:
    return {name: n + (extra or {}).get(name, 0) for name, n in counts.items()}


def _check_each(
    assert_num_queries: Any, actor: Any, expected: dict[str, int], rep_id: int | None = None
) -> None:
    # One block per widget: a failure names the count and lists the queries of that widget.
    assert list(expected) == list(DEFAULT_WIDGETS)
    for widget_type, n in expected.items():
        with assert_num_queries(n):
            widget_data(actor=actor, widget_type=widget_type, rep_id=rep_id)


def test_a_reps_widget_data_takes_a_fixed_number_of_queries(
    world: World, book: Book, django_assert_num_queries: Any
) -> None:
    actor = factories.actor(world.acme, world.rep1)
    _check_each(django_assert_num_queries, actor, _expect(QUERIES))


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_a_team_leaders_widget_data_takes_a_fixed_number_of_queries(
    world: World, book: Book, django_assert_num_queries: Any, role: str
) -> None:
    actor = factories.actor(world.acme, getattr(world, role))
    _check_each(django_assert_num_queries, actor, _expect(QUERIES, LEADER_EXTRA))


def test_filtering_to_one_rep_adds_only_the_check_that_the_rep_is_in_the_team(
    world: World, book: Book, django_assert_num_queries: Any
) -> None:
    # The rep's membership is looked up once; by-person activity is not shown for one rep.
    actor = factories.actor(world.acme, world.manager)
    one_more = dict.fromkeys(QUERIES, 1)
    _check_each(django_assert_num_queries, actor, _expect(QUERIES, one_more), rep_id=world.rep2.pk)
