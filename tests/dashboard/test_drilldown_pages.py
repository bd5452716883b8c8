"""Drilldown pages: the rows behind each dashboard number, the same rows as
/api/sales/dashboard/drilldown/<name>, sortable, paginated, downloadable, filtered by rep."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.crm.models import OrderStatus
from leora.dashboard.drilldowns import DRILLDOWNS
from leora.metrics.models import MetricDefinition
from leora.metrics.services import metric_update
from leora.tenancy.calendar import week_start
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

API = "/api/sales/dashboard/drilldown"


def page_url(name: str) -> str:
    return f"/dashboard/drilldown/{name}/"


def _today(world: World) -> date:
    return timezone.localtime(timezone.now(), world.acme.tzinfo).date()


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def streamed(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def row_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr data-row="(\d+)">', html)]


@pytest.fixture
def book(world: World, unscoped: None) -> dict[str, Any]:
    """rep1: a weekly buyer two weeks late (at risk), two weekly buyers on time (healthy, one of them
    ordered this week) and an account gone quiet (dormant); rep2: an order this week; rep3 (outside
    the manager's team): an order this week; another tenant: an order this week."""
    today = _today(world)
    product = factories.make_product(world.acme, unit_price=Decimal("10.00"))
    late = factories.make_customer(world.acme, world.rep1, name="Late Larder")
    for weeks in range(2, 8):
        factories.make_order(late, [(product, 5)], order_date=today - timedelta(weeks=weeks))
    steady = factories.make_customer(world.acme, world.rep1, name="Steady Cellar")
    for weeks in range(0, 6):
        factories.make_order(steady, [(product, 3)], order_date=today - timedelta(weeks=weeks))
    factories.make_order(steady, [(product, 9)], order_date=today, status=OrderStatus.CANCELLED)
    calm = factories.make_customer(world.acme, world.rep1, name="Calm Corner")
    for weeks in range(1, 7):
        factories.make_order(
            calm, [(product, 2)], order_date=today - timedelta(weeks=weeks) + timedelta(days=1)
        )
    quiet = factories.make_customer(world.acme, world.rep1, name="Quiet Quay")
    factories.make_order(quiet, [(product, 1)], order_date=today - timedelta(days=200))
    other_rep = factories.make_customer(world.acme, world.rep2, name="Rep Two Bar")
    factories.make_order(other_rep, [(product, 7)], order_date=today)
    outside = factories.make_customer(world.acme, world.rep3, name="Rep Three Inn")
    factories.make_order(outside, [(product, 4)], order_date=today)
    foreign = factories.make_customer(world.other, world.other_rep, name="Foreign Tavern")
    foreign_order = factories.make_order(
        foreign, [(factories.make_product(world.other), 1)], order_date=today
    )
    factories.make_quota(world.acme, world.rep1, week_start(today), target="300")
    factories.make_quota(world.acme, world.rep2, week_start(today), target="100")
    return {
        "late": late,
        "steady": steady,
        "quiet": quiet,
        "other_rep": other_rep,
        "foreign": foreign,
        "foreign_order": foreign_order,
    }


@pytest.mark.parametrize("name", list(DRILLDOWNS))
def test_every_drilldown_page_lists_the_apis_rows_for_each_role(
    world: World, book: dict[str, Any], api_as: Any, name: str
) -> None:
    for user in (world.rep1, world.manager, world.admin):
        response = as_user(user).get(page_url(name), {"page_size": 100})
        assert response.status_code == 200
        body = api_as(user).get(f"{API}/{name}", page_size=100).json()
        assert row_ids(response.content.decode()) == [item["id"] for item in body["items"]], user.email
        assert f'<span class="tabular">{body["total"]}</span> row' in response.content.decode()


@pytest.mark.parametrize("name", list(DRILLDOWNS))
def test_another_tenants_rows_never_show(world: World, book: dict[str, Any], name: str) -> None:
    html = as_user(world.admin).get(page_url(name)).content.decode()
    assert "Foreign Tavern" not in html
    first = DRILLDOWNS[name].columns[0].key
    foreign = {"name": book["foreign"].pk, "order_number": book["foreign_order"].pk}.get(first)
    assert foreign not in row_ids(html)


def test_the_page_says_which_metric_and_version_its_rows_came_from(
    world: World, book: dict[str, Any]
) -> None:
    definition = MetricDefinition.objects.for_tenant(world.acme).get(code="at_risk_customer")
    metric_update(
        actor=factories.actor(world.acme, world.admin),
        definition=definition,
        changes={"formula": "order_count >= 3 and overdue_ratio >= 1.2 and overdue_ratio < 3"},
    )
    html = as_user(world.rep1).get(page_url("at-risk-cadence")).content.decode()
    assert 'From the metric <a href="/metrics/at_risk_customer/">At-risk customer</a> · version 2' in html


def test_a_header_sorts_the_rows_like_the_api(world: World, book: dict[str, Any], api_as: Any) -> None:
    html = as_user(world.manager).get(page_url("this-week-revenue"), {"sort": "total"}).content.decode()
    body = api_as(world.manager).get(f"{API}/this-week-revenue", ordering="total").json()
    assert row_ids(html) == [item["id"] for item in body["items"]]
    assert [item["total"] for item in body["items"]] == ["30.00", "70.00"]
    assert 'aria-sort="ascending"><a class="sort" href="?sort=-total"' in html


def test_a_descending_sort_reverses_the_rows(world: World, book: dict[str, Any]) -> None:
    client = as_user(world.manager)
    up = row_ids(client.get(page_url("this-week-revenue"), {"sort": "total"}).content.decode())
    down = row_ids(client.get(page_url("this-week-revenue"), {"sort": "-total"}).content.decode())
    assert down == list(reversed(up)) and len(up) == 2


def test_an_unknown_sort_is_ignored_like_a_stale_bookmark(world: World, book: dict[str, Any]) -> None:
    client = as_user(world.manager)
    response = client.get(page_url("this-week-revenue"), {"sort": "colour"})
    assert response.status_code == 200
    assert row_ids(response.content.decode()) == row_ids(
        client.get(page_url("this-week-revenue")).content.decode()
    )


def test_pages_follow_the_api_pages(world: World, book: dict[str, Any], api_as: Any) -> None:
    html = (
        as_user(world.rep1).get(page_url("healthy-customers"), {"page_size": 1, "page": 2}).content.decode()
    )
    body = api_as(world.rep1).get(f"{API}/healthy-customers", page_size=1, page=2).json()
    assert body["total"] == 2
    assert row_ids(html) == [item["id"] for item in body["items"]]
    assert "Page 2 of 2" in html and 'rel="prev"' in html


def test_a_page_past_the_end_shows_the_last_page(world: World, book: dict[str, Any]) -> None:
    html = (
        as_user(world.rep1).get(page_url("healthy-customers"), {"page_size": 1, "page": 9}).content.decode()
    )
    assert "Page 2 of 2" in html and len(row_ids(html)) == 1


def test_an_htmx_sort_answers_the_results_with_the_download_link_kept_current(
    world: World, book: dict[str, Any]
) -> None:
    response = as_user(world.manager).get(
        page_url("this-week-revenue"), {"sort": "-total"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="drilldown-results"' in html
    assert (
        'id="drilldown-csv" href="?sort=-total&amp;format=csv"' in html and 'hx-swap-oob="outerHTML"' in html
    )
    assert '<option value="-total" selected>' in html  # the phone's sort select follows
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]


def test_the_csv_download_streams_the_same_file_as_the_api(
    world: World, book: dict[str, Any], api_as: Any
) -> None:
    for name in ("this-week-revenue", "at-risk-cadence", "weekly-quota"):
        response = as_user(world.manager).get(page_url(name), {"format": "csv", "sort": "-rep"})
        assert response["Content-Type"] == "text/csv"
        assert response["Content-Disposition"].startswith(f'attachment; filename="{name}-')
        page_csv = streamed(response)
        api = api_as(world.manager).get(f"{API}/{name}", format="csv", ordering="-rep")
        assert page_csv == streamed(api)


def test_the_csv_holds_every_row_not_one_page(world: World, book: dict[str, Any]) -> None:
    response = as_user(world.rep1).get(page_url("customer-health"), {"format": "csv", "page_size": "1"})
    lines = streamed(response).decode().strip().splitlines()
    assert lines[0].startswith("Customer,Rep,") and len(lines) == 1 + 4


def test_a_manager_filters_to_one_rep_of_the_team(world: World, book: dict[str, Any], api_as: Any) -> None:
    html = (
        as_user(world.manager).get(page_url("this-week-revenue"), {"rep_id": world.rep2.pk}).content.decode()
    )
    body = api_as(world.manager).get(f"{API}/this-week-revenue", rep_id=world.rep2.pk).json()
    assert row_ids(html) == [item["id"] for item in body["items"]] and len(row_ids(html)) == 1
    assert f'<option value="{world.rep2.pk}" selected>' in html
    assert "Rep2\u2019s book" in html
    assert 'data-label="Rep"' not in html  # one rep's book: the column would only repeat the name


def test_the_rep_filter_offers_the_people_the_actor_sees(world: World, book: dict[str, Any]) -> None:
    manager_html = as_user(world.manager).get(page_url("weekly-quota")).content.decode()
    assert f'<option value="{world.rep2.pk}"' in manager_html
    assert f'<option value="{world.rep3.pk}"' not in manager_html
    admin_html = as_user(world.admin).get(page_url("weekly-quota")).content.decode()
    assert f'<option value="{world.rep3.pk}"' in admin_html
    assert f'<option value="{world.other_rep.pk}"' not in admin_html
    assert 'name="rep_id"' not in as_user(world.rep1).get(page_url("weekly-quota")).content.decode()


def test_a_rep_outside_the_team_is_ignored(world: World, book: dict[str, Any]) -> None:
    client = as_user(world.manager)
    html = client.get(page_url("this-week-revenue"), {"rep_id": world.rep3.pk}).content.decode()
    assert "Rep Three Inn" not in html
    assert row_ids(html) == row_ids(client.get(page_url("this-week-revenue")).content.decode())


def test_a_rep_cannot_filter_to_someone_else(world: World, book: dict[str, Any]) -> None:
    html = as_user(world.rep1).get(page_url("this-week-revenue"), {"rep_id": world.rep2.pk}).content.decode()
    assert "Rep Two Bar" not in html and "Steady Cellar" in html


def test_customer_rows_link_to_the_customer_and_order_rows_to_their_customer(
    world: World, book: dict[str, Any]
) -> None:
    client = as_user(world.rep1)
    html = client.get(page_url("at-risk-cadence")).content.decode()
    assert f'<a href="/customers/{book["late"].pk}/">Late Larder</a>' in html
    orders = client.get(page_url("this-week-revenue")).content.decode()
    assert f'<a href="/customers/{book["steady"].pk}/">Steady Cellar</a>' in orders


def test_an_empty_drilldown_says_what_to_do_next(world: World, book: dict[str, Any]) -> None:
    html = as_user(world.rep2).get(page_url("at-risk-cadence")).content.decode()
    assert "No at-risk customers" in html
    assert 'href="/dashboard/drilldown/customers-due/"' in html


def test_an_empty_drilldown_keeps_the_rep_filter_in_its_next_link(world: World, book: dict[str, Any]) -> None:
    html = (
        as_user(world.manager).get(page_url("dormant-customers"), {"rep_id": world.rep2.pk}).content.decode()
    )
    assert f'href="/dashboard/drilldown/at-risk-cadence/?rep_id={world.rep2.pk}"' in html


def test_an_unknown_drilldown_is_not_found(world: World, book: dict[str, Any]) -> None:
    assert as_user(world.rep1).get(page_url("revenue-of-mars")).status_code == 404


def test_a_drilldown_needs_a_session(world: World, client: Client) -> None:
    response = client.get(page_url("at-risk-cadence"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_index_lists_every_drilldown(world: World) -> None:
    html = as_user(world.rep1).get("/dashboard/drilldown/").content.decode()
    assert all(f'href="/dashboard/drilldown/{name}/"' in html for name in DRILLDOWNS)


@pytest.mark.parametrize(
    ("name", "queries"),
    [("at-risk-cadence", 10), ("this-week-revenue", 7), ("weekly-quota", 7), ("customer-health", 10)],
)
def test_a_drilldown_page_runs_a_fixed_number_of_queries(
    world: World, book: dict[str, Any], django_assert_num_queries: Any, name: str, queries: int
) -> None:
    client = as_user(world.manager)
    # session, user, membership, the manager's team; the rep filter's people; count and one page of
    # rows; a customer drilldown also loads its metric (definition, version) and names its version.
    with django_assert_num_queries(queries):
        assert client.get(page_url(name)).status_code == 200
    # The rep filter adds one query (the chosen person's membership); a page more adds none.
    with django_assert_num_queries(queries + 1):
        assert client.get(page_url(name), {"rep_id": world.rep1.pk, "page": 2}).status_code == 200
