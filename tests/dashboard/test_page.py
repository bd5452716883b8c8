"""The dashboard page at /: the shell for each role, widget bodies (the same numbers as the API, their own
errors, drilldown and metric links), the rep filter, the admin's default, query counts and isolation.

Numbers are worked out from the book in tests/dashboard/conftest.py: this week rep1 sold 100.00 (Alder
Bistro, Monday) against a quota of 500; rep2 sold 70.00 (Ivy Inn) against 300.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client

from leora.dashboard.layouts import DEFAULT_WIDGETS
from leora.dashboard.models import DashboardWidget
from leora.dashboard.widgets import registry
from leora.tenancy.calendar import week_bounds
from leora.tenancy.models import User
from tests.conftest import World
from tests.dashboard.conftest import Book

pytestmark = pytest.mark.django_db

WIDGETS = "/api/dashboard/widgets"


def page_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def widget_ids(html: str) -> dict[str, int]:
    """Return {widget type: id} of the cards on a rendered shell."""
    found = re.findall(r'data-widget-id="(\d+)" data-widget-key="\w+" data-widget-type="(\w+)"', html)
    return {widget_type: int(pk) for pk, widget_type in found}


def body_url(widget_id: int, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/dashboard/widgets/{widget_id}/body/" + (f"?{query}" if query else "")


def layout_of(client: Client, scope: str = "user") -> dict[str, int]:
    html = client.get("/", {"scope": scope} if scope != "user" else None).content.decode()
    return widget_ids(html)


# ------------------------------------------------------------------------------------------ the shell


def test_a_rep_gets_the_shell_with_every_widget_of_the_default_layout(world: World) -> None:
    response = page_as(world.rep1).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert list(widget_ids(html)) == list(DEFAULT_WIDGETS)
    assert html.count('hx-trigger="load, dashboard-refresh"') == 10
    assert 'data-source="default"' in html


def test_a_rep_gets_no_rep_filter_and_no_switch_to_the_tenant_default(world: World) -> None:
    html = page_as(world.rep1).get("/").content.decode()
    assert 'name="rep_id"' not in html
    assert "scope=tenant" not in html


def test_a_manager_filters_to_the_people_of_their_team(world: World) -> None:
    html = page_as(world.manager).get("/").content.decode()
    options = re.findall(r'<option value="(\d+)"', html)
    assert sorted(map(int, options)) == sorted([world.manager.pk, world.rep1.pk, world.rep2.pk])
    assert "scope=tenant" not in html


def test_an_admin_filters_to_anyone_and_may_edit_the_tenant_default(world: World) -> None:
    html = page_as(world.admin).get("/").content.decode()
    options = {int(v) for v in re.findall(r'<option value="(\d+)"', html)}
    assert {world.rep1.pk, world.rep2.pk, world.rep3.pk, world.manager.pk} <= options
    assert world.other_rep.pk not in options
    assert 'href="/?scope=tenant"' in html


def test_the_admins_tenant_default_page_shows_the_default_and_says_so(world: World, api_as: Any) -> None:
    # given: the admin has a layout of their own that hides a widget
    admin = api_as(world.admin)
    first = admin.get(f"{WIDGETS}/layout").json()["widgets"][0]
    admin.patch(f"{WIDGETS}/{first['id']}", {"visible": False})
    # when
    html = page_as(world.admin).get("/", {"scope": "tenant"}).content.decode()
    # then: the default, with every widget visible and bodies read in the tenant scope
    assert "Default dashboard" in html and "team default" in html
    assert html.count('hx-trigger="load, dashboard-refresh"') == 10
    assert "?scope=tenant" in html.split('data-widget-type="tasks_from_management"')[1][:3000]


def test_a_rep_asking_for_the_tenant_default_is_refused_naming_scope(world: World) -> None:
    response = page_as(world.rep1).get("/", {"scope": "tenant"})
    assert response.status_code == 422
    assert "<strong>scope</strong>" in response.content.decode()
    assert not DashboardWidget.objects.for_tenant(world.acme).filter(layout__user=world.rep1).exists()


def test_a_rep_filtering_to_someone_else_is_refused_naming_rep_id(world: World) -> None:
    response = page_as(world.rep1).get("/", {"rep_id": world.rep2.pk})
    assert response.status_code == 422
    assert "<strong>rep_id</strong>" in response.content.decode()


def test_a_manager_filtering_outside_their_team_is_refused(world: World) -> None:
    response = page_as(world.manager).get("/", {"rep_id": world.rep3.pk})
    assert response.status_code == 422


def test_a_rep_id_that_is_no_number_is_refused_naming_rep_id(world: World) -> None:
    response = page_as(world.manager).get("/", {"rep_id": "1 OR 1=1"})
    assert response.status_code == 422
    assert "<strong>rep_id</strong>" in response.content.decode()


def test_the_filtered_page_passes_the_rep_to_every_widget_body(world: World) -> None:
    html = page_as(world.manager).get("/", {"rep_id": world.rep1.pk}).content.decode()
    bodies = re.findall(r'hx-get="(/dashboard/widgets/\d+/body/[^"]*)"', html)
    assert len(bodies) == 10 and all(url.endswith(f"?rep_id={world.rep1.pk}") for url in bodies)
    assert f'<option value="{world.rep1.pk}" selected>' in html


def test_hidden_widgets_wait_outside_the_grid_without_loading(world: World, api_as: Any) -> None:
    api = api_as(world.rep1)
    widgets = api.get(f"{WIDGETS}/layout").json()["widgets"]
    revenue = next(w for w in widgets if w["widget_type"] == "revenue_trend")
    hidden_id = api.patch(f"{WIDGETS}/{revenue['id']}", {"visible": False}).json()["id"]
    html = page_as(world.rep1).get("/").content.decode()
    grid, hidden = html.split("data-dashboard-hidden")
    assert f'data-widget-id="{hidden_id}"' in hidden and f'data-widget-id="{hidden_id}"' not in grid
    assert html.count('hx-trigger="load, dashboard-refresh"') == 9
    assert 'data-source="own"' in html


def test_only_admins_see_metrics_and_jobs_in_the_navigation(world: World) -> None:
    rep_page = page_as(world.rep1).get("/").content.decode()
    assert 'href="/customers/"' in rep_page and 'href="/jobs/"' not in rep_page
    admin_page = page_as(world.admin).get("/").content.decode()
    assert 'href="/metrics/"' in admin_page and 'href="/jobs/"' in admin_page


def test_the_page_asks_a_visitor_to_sign_in(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_shell_of_a_rep_runs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    client = page_as(world.rep1)
    client.get("/")  # creates the tenant default
    # session, user, membership; the own layout (none), the default, its widgets.
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200


def test_the_shell_of_a_manager_filtered_to_a_rep_runs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    client = page_as(world.manager)
    client.get("/")
    # session, user, membership, team; the rep's membership; own layout, default, widgets; the people.
    with django_assert_num_queries(9):
        assert client.get("/", {"rep_id": world.rep1.pk}).status_code == 200


# ------------------------------------------------------------------------------------ widget bodies


def test_a_widget_body_shows_the_numbers_the_api_answers(book: Book, world: World, api_as: Any) -> None:
    client = page_as(world.rep1)
    ids = layout_of(client)
    data = api_as(world.rep1).get(f"{WIDGETS}/quota_progress/data").json()["data"]
    assert (data["revenue"], data["quota"], data["percent"]) == ("100.00", "500.00", 20)
    response = client.get(body_url(ids["quota_progress"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "$100.00" in html and "$500.00 quota" in html
    assert 'aria-valuenow="20"' in html
    assert "<html" not in html  # a fragment, not a page


def test_a_manager_sees_the_teams_revenue_against_the_teams_quota(book: Book, world: World) -> None:
    client = page_as(world.manager)
    html = client.get(body_url(layout_of(client)["quota_progress"])).content.decode()
    assert "$170.00" in html and "$800.00 quota" in html and 'aria-valuenow="21"' in html


def test_the_rep_filter_narrows_a_widget_body_to_that_reps_book(book: Book, world: World) -> None:
    client = page_as(world.manager)
    url = body_url(layout_of(client)["quota_progress"], rep_id=world.rep2.pk)
    html = client.get(url).content.decode()
    assert "$70.00" in html and "$300.00 quota" in html


def test_a_manager_filtering_a_body_outside_the_team_gets_the_widgets_error(book: Book, world: World) -> None:
    client = page_as(world.manager)
    response = client.get(body_url(layout_of(client)["quota_progress"], rep_id=world.rep3.pk))
    assert response.status_code == 422
    assert "data-widget-error" in response.content.decode()


def test_every_number_of_a_segment_widget_links_to_its_drilldown_and_keeps_the_rep(
    book: Book, world: World
) -> None:
    client = page_as(world.manager)
    url = body_url(layout_of(client)["at_risk_customers"], rep_id=world.rep1.pk)
    html = client.get(url).content.decode()
    assert f'href="/dashboard/drilldown/at-risk-cadence/?rep_id={world.rep1.pk}"' in html
    assert f'href="/dashboard/drilldown/at-risk-revenue/?rep_id={world.rep1.pk}"' in html
    assert "Birch Bar" in html and "Hazel Hotel" not in html


def test_a_metric_driven_widget_names_its_metric_and_version_with_a_link(book: Book, world: World) -> None:
    client = page_as(world.rep1)
    html = client.get(body_url(layout_of(client)["customers_due"])).content.decode()
    assert re.search(r'<a href="/metrics/due_to_order/">[^<]+</a> · version \d+', html)
    assert 'href="/dashboard/drilldown/customers-due/"' in html


def test_quota_and_revenue_numbers_link_to_their_drilldowns(book: Book, world: World) -> None:
    client = page_as(world.rep1)
    ids = layout_of(client)
    quota = client.get(body_url(ids["quota_progress"])).content.decode()
    assert 'href="/dashboard/drilldown/this-week-revenue/"' in quota
    assert 'href="/dashboard/drilldown/weekly-quota/"' in quota
    trend = client.get(body_url(ids["revenue_trend"])).content.decode()
    assert 'href="/dashboard/drilldown/last-week-revenue/"' in trend


def test_the_revenue_chart_has_a_table_fallback_with_every_week(book: Book, world: World) -> None:
    client = page_as(world.rep1)
    html = client.get(body_url(layout_of(client)["revenue_trend"])).content.decode()
    assert 'data-chart="line"' in html and "Show as table" in html
    assert html.count('<tr><th scope="row" data-label>') == 13
    assert 'data-value="100.00"' in html  # this week's revenue


def test_the_tasks_widget_lists_open_tasks_from_others_overdue_first_with_a_done_button(
    book: Book, world: World
) -> None:
    client = page_as(world.rep1)
    html = client.get(body_url(layout_of(client)["tasks_from_management"])).content.decode()
    titles = [t.strip() for t in re.findall(r'<span class="primary">([^<]+)', html)]
    assert titles[:2] == ["manager overdue", "admin overdue"]
    assert sorted(titles[2:]) == ["admin in progress", "manager due today", "manager undated"]
    assert html.count('hx-post="/tasks/') == 5 and "data-widget-refresh-after" in html


def test_a_failing_widget_answers_its_own_error_and_the_page_still_renders(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the quota widget's data function breaks
    def broken(ctx: Any, config: Any) -> dict[str, Any]:
        raise RuntimeError("the quota table is on fire")

    original = registry.get_type("quota_progress")
    assert original is not None
    monkeypatch.setitem(registry._types, "quota_progress", dataclasses.replace(original, data=broken))
    client = page_as(world.rep1)
    # when
    shell = client.get("/")
    ids = widget_ids(shell.content.decode())
    response = client.get(body_url(ids["quota_progress"]))
    # then
    assert shell.status_code == 200
    assert response.status_code == 500
    html = response.content.decode()
    assert 'role="alert"' in html and "could not load" in html and "on fire" not in html
    assert f'hx-get="/dashboard/widgets/{ids["quota_progress"]}/body/"' in html and "Retry" in html
    assert client.get(body_url(ids["new_customers"])).status_code == 200


def test_another_persons_widget_is_not_found(world: World, api_as: Any) -> None:
    # given: rep2 has a layout of their own
    rep2 = api_as(world.rep2)
    first = rep2.get(f"{WIDGETS}/layout").json()["widgets"][0]
    theirs = rep2.patch(f"{WIDGETS}/{first['id']}", {"visible": True}).json()["id"]
    # when rep1 asks for the body of rep2's widget
    response = page_as(world.rep1).get(body_url(theirs))
    # then
    assert response.status_code == 404
    assert "data-widget-error" in response.content.decode()


def test_another_tenants_widget_is_not_found(world: World, api_as: Any) -> None:
    theirs = api_as(world.other_rep).get(f"{WIDGETS}/layout").json()["widgets"][0]["id"]
    assert page_as(world.rep1).get(body_url(theirs)).status_code == 404
    assert page_as(world.rep1).get(f"/dashboard/widgets/{theirs}/card/").status_code == 404


def test_another_tenants_numbers_never_show(book: Book, world: World) -> None:
    client = page_as(world.admin)
    ids = layout_of(client)
    html = "".join(client.get(body_url(pk)).content.decode() for pk in ids.values())
    assert "Foreign" not in html and "$5,000" not in html


def test_a_widget_body_runs_a_fixed_number_of_queries_cold_and_warm(
    book: Book, world: World, django_assert_num_queries: Any
) -> None:
    client = page_as(world.rep1)
    url = body_url(layout_of(client)["quota_progress"])
    # session, user, membership; own layout (none), the default, the widget; the cache's three tokens (one
    # read) and the data (a miss); revenue, quota; storing it (count, savepoint, lookup, insert, release).
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200
    # warm: the same up to the cache, which now answers.
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_card_of_a_new_widget_renders_its_frame(world: World, api_as: Any) -> None:
    added = api_as(world.rep1).post(WIDGETS, {"widget_type": "top_products", "config": {"limit": 3}}).json()
    response = page_as(world.rep1).get(f"/dashboard/widgets/{added['id']}/card/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-widget-id="{added["id"]}"' in html and 'data-widget-type="top_products"' in html
    assert "&quot;limit&quot;:3" in html


def test_the_library_previews_a_type_with_the_viewers_own_data(book: Book, world: World) -> None:
    response = page_as(world.rep1).get("/dashboard/widgets/preview/at_risk_customers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Birch Bar" in html and "Hazel Hotel" not in html


def test_the_library_has_no_preview_of_an_unknown_type(world: World) -> None:
    assert page_as(world.rep1).get("/dashboard/widgets/preview/crystal_ball/").status_code == 404


# ------------------------------------------------------------------------------------ the tenant's week


def test_week_starts_on_monday_in_the_tenant_timezone(world: World) -> None:
    # Monday 03:00 UTC is still Sunday evening in Los Angeles: the week there began six days earlier.
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert week_bounds(world.acme, now) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week_bounds(world.other, now) == (date(2026, 11, 23), date(2026, 11, 29))
