"""/api/sales/dashboard and its drilldowns: every number opens the rows behind it, in JSON or CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from leora.crm.models import OrderStatus
from leora.dashboard.drilldowns import DRILLDOWNS
from leora.tenancy.calendar import week_start
from tests import factories
from tests.conftest import World

BASE = "/api/sales/dashboard"


def _today(world: World) -> date:
    return timezone.localtime(timezone.now(), world.acme.tzinfo).date()


@pytest.fixture
def book(world: World, unscoped: None) -> dict[str, Any]:
    """rep1: a weekly buyer two weeks late (at risk), a weekly buyer on time (healthy), and two
    orders this week; rep2: one order this week; another tenant: an order this week."""
    today = _today(world)
    product = factories.make_product(world.acme, unit_price=Decimal("10.00"))
    late = factories.make_customer(world.acme, world.rep1, name="Late Larder")
    for weeks in range(2, 8):
        factories.make_order(late, [(product, 5)], order_date=today - timedelta(weeks=weeks))
    steady = factories.make_customer(world.acme, world.rep1, name="Steady Cellar")
    for weeks in range(0, 6):
        factories.make_order(steady, [(product, 3)], order_date=today - timedelta(weeks=weeks))
    factories.make_order(steady, [(product, 9)], order_date=today, status=OrderStatus.CANCELLED)
    other_rep = factories.make_customer(world.acme, world.rep2, name="Rep Two Bar")
    factories.make_order(other_rep, [(product, 7)], order_date=today)
    foreign = factories.make_customer(world.other, world.other_rep, name="Foreign Tavern")
    factories.make_order(foreign, [(factories.make_product(world.other), 1)], order_date=today)
    factories.make_quota(world.acme, world.rep1, week_start(today), target="300")
    return {"late": late, "steady": steady, "other_rep": other_rep, "foreign": foreign}


def test_the_summary_counts_this_weeks_revenue_and_customers_of_the_scope(
    world: World, book: dict[str, Any], api_as: Any
) -> None:
    body = api_as(world.rep1).get(BASE).json()
    assert body["this_week_revenue"]["value"] == "30.00"  # Steady Cellar's 3 x 10; the cancelled one not
    assert body["unique_customers"]["value"] == 1
    assert body["quota"] == {"value": "300.00", "percent": 10, "drilldown": "weekly-quota"}
    assert body["health"]["at_risk"]["value"] == 1
    assert body["health"]["at_risk"]["metric"]["code"] == "at_risk_customer"
    assert body["health"]["at_risk"]["metric"]["version"] == 1
    assert body["at_risk_revenue"]["value"] == "50.00"


def test_a_manager_sees_the_team_and_filters_to_one_rep(
    world: World, book: dict[str, Any], api_as: Any
) -> None:
    api = api_as(world.manager)
    assert api.get(BASE).json()["this_week_revenue"]["value"] == "100.00"
    assert api.get(BASE, rep_id=world.rep2.pk).json()["this_week_revenue"]["value"] == "70.00"


@pytest.mark.parametrize("key", ["healthy", "due", "at_risk", "dormant"])
def test_each_health_count_equals_its_drilldowns_total(
    world: World, book: dict[str, Any], api_as: Any, key: str
) -> None:
    api = api_as(world.manager)
    number = api.get(BASE).json()["health"][key]
    rows = api.get(f"{BASE}/drilldown/{number['drilldown']}").json()
    assert rows["total"] == number["value"]
    assert rows["metric"]["code"] == number["metric"]["code"]


def test_the_at_risk_drilldown_lists_the_late_buyer_with_its_cadence(
    world: World, book: dict[str, Any], api_as: Any
) -> None:
    body = api_as(world.rep1).get(f"{BASE}/drilldown/at-risk-cadence").json()
    assert [row["name"] for row in body["items"]] == ["Late Larder"]
    row = body["items"][0]
    assert row["usual_interval_days"] == 7
    assert row["days_since_last_order"] == 14
    assert row["usual_order_value"] == "50.00"


@pytest.mark.parametrize("name", list(DRILLDOWNS))
def test_every_drilldown_answers_for_each_role_and_never_shows_another_tenant(
    world: World, book: dict[str, Any], api_as: Any, name: str
) -> None:
    for user in (world.rep1, world.manager, world.admin):
        response = api_as(user).get(f"{BASE}/drilldown/{name}", page_size=200)
        assert response.status_code == 200, response.content
        names = {row.get("name") or row.get("customer") for row in response.json()["items"]}
        assert "Foreign Tavern" not in names


def test_this_weeks_revenue_drilldown_adds_up_to_the_summary(
    world: World, book: dict[str, Any], api_as: Any
) -> None:
    api = api_as(world.manager)
    rows = api.get(f"{BASE}/drilldown/this-week-revenue").json()["items"]
    assert sum(Decimal(row["total"]) for row in rows) == Decimal(
        api.get(BASE).json()["this_week_revenue"]["value"]
    )


def test_a_drilldown_sorts_by_a_column_and_refuses_an_unknown_one(
    world: World, book: dict[str, Any], api_as: Any
) -> None:
    api = api_as(world.manager)
    rows = api.get(f"{BASE}/drilldown/this-week-revenue", ordering="total").json()["items"]
    assert [row["total"] for row in rows] == ["30.00", "70.00"]
    response = api.get(f"{BASE}/drilldown/this-week-revenue", ordering="colour")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_a_drilldown_downloads_as_csv(world: World, book: dict[str, Any], api_as: Any) -> None:
    response = api_as(world.manager).get(f"{BASE}/drilldown/this-week-revenue", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == ["Order", "Date", "Customer", "Rep", "Status", "Total"]
    assert sorted(line[5] for line in lines[1:]) == ["30.00", "70.00"]


def test_an_unknown_drilldown_answers_404(world: World, api_as: Any) -> None:
    assert api_as(world.rep1).get(f"{BASE}/drilldown/crystal-ball").status_code == 404


def test_a_rep_cannot_filter_to_another_rep(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get(BASE, rep_id=world.rep2.pk)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "rep_id"
