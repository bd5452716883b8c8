"""Isolation on the dashboard: one person's widgets are nobody else's, a rep's numbers come from their own
book only, and another tenant's rows never show through any widget or drilldown."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leora.dashboard.drilldowns import DRILLDOWNS
from leora.dashboard.layouts import DEFAULT_WIDGETS
from leora.dashboard.models import DashboardWidget
from tests.conftest import World
from tests.dashboard.conftest import WIDGETS, Book, Reader

SALES = "/api/sales/dashboard"
# The largest list each widget allows, so a name cannot hide below the cut.
LONGEST = {
    "tasks_from_management": {"limit": 50},
    "at_risk_customers": {"limit": 50},
    "customers_due": {"limit": 50},
    "top_products": {"limit": 25},
    "new_customers": {"limit": 50, "days": 365},
    "customer_balances": {"limit": 25},
    "upcoming_events": {"limit": 50, "days": 60},
}
REP1_BOOK = {"alder", "birch", "cedar", "dune", "elm", "fern", "gorse", "holly"}
TEAM_BOOK = REP1_BOOK | {"hazel", "ivy", "nettle", "olive"}
ACME = TEAM_BOOK | {"laurel", "maple"}
OTHER = {"foreign", "foreign_shop"}


def _everything(api: Any, read_widget: Reader, user: Any) -> str:
    """Every widget's data (longest lists) and every drilldown (every row, JSON and CSV) as one text."""
    parts = [
        json.dumps(read_widget(user, widget_type, config=LONGEST.get(widget_type, {})))
        for widget_type in DEFAULT_WIDGETS
    ]
    for name in DRILLDOWNS:
        parts.append(api.get(f"{SALES}/drilldown/{name}", page_size=200).content.decode())
        parts.append(b"".join(api.get(f"{SALES}/drilldown/{name}", format="csv").streaming_content).decode())
    parts.append(api.get(SALES).content.decode())
    return "\n".join(parts)


def _shown(text: str, book: Book, keys: set[str]) -> set[str]:
    return {key for key in keys if book.customers[key].name in text}


@pytest.mark.parametrize(
    ("role", "sees"), [("rep1", REP1_BOOK), ("manager", TEAM_BOOK), ("admin", ACME), ("other_admin", OTHER)]
)
def test_no_widget_or_drilldown_shows_a_customer_outside_the_viewers_scope(
    world: World, book: Book, api_as: Any, read_widget: Reader, role: str, sees: set[str]
) -> None:
    user = getattr(world, role)
    text = _everything(api_as(user), read_widget, user)
    assert _shown(text, book, ACME | OTHER) == sees  # every visible customer shows somewhere, no other


def test_a_manager_filtered_to_one_rep_sees_only_that_reps_customers(
    world: World, book: Book, api_as: Any, read_widget: Reader
) -> None:
    api = api_as(world.manager)
    parts = [
        json.dumps(api.get(f"{WIDGETS}/{widget_type}/data", rep_id=world.rep2.pk).json())
        for widget_type in DEFAULT_WIDGETS
    ]
    parts += [
        api.get(f"{SALES}/drilldown/{n}", rep_id=world.rep2.pk, page_size=200).content.decode()
        for n in DRILLDOWNS
    ]
    assert _shown("\n".join(parts), book, ACME | OTHER) <= {"hazel", "ivy", "nettle", "olive"}


def test_another_tenant_reads_only_its_own_numbers(world: World, book: Book, read_widget: Reader) -> None:
    # Foreign Shop's 500 this week; Foreign Tavern at risk with 5000 overdue; acme's rows count nowhere.
    user = world.other_admin
    assert read_widget(user, "quota_progress")["revenue"] == "500.00"
    assert read_widget(user, "quota_progress")["quota"] == "99.00"
    assert [r["name"] for r in read_widget(user, "at_risk_customers")["items"]] == ["Foreign Tavern"]
    assert read_widget(user, "customer_balances")["outstanding"] == "5000.00"
    assert [p["name"] for p in read_widget(user, "top_products")["items"]] == ["Foreign"]
    assert read_widget(user, "activity_summary")["this_week_total"] == 1
    assert read_widget(user, "upcoming_events")["total"] == 1
    assert read_widget(world.other_rep, "tasks_from_management")["total"] == 1


def test_a_rep_id_from_another_tenant_is_refused_even_for_an_admin(
    world: World, book: Book, api_as: Any
) -> None:
    for path in (f"{WIDGETS}/revenue_trend/data", SALES, f"{SALES}/drilldown/at-risk-cadence"):
        response = api_as(world.admin).get(path, rep_id=world.other_rep.pk)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "rep_id"


@pytest.fixture
def rep1_widget(world: World, api_as: Any) -> dict[str, Any]:
    """rep1's own at-risk widget (their first change copied the default into a layout of their own)."""
    api = api_as(world.rep1)
    default = api.get(f"{WIDGETS}/layout").json()["widgets"]
    first = next(w for w in default if w["widget_type"] == "at_risk_customers")
    own: dict[str, Any] = api.patch(f"{WIDGETS}/{first['id']}", {"config": {"limit": 3}}).json()
    return own


def _widget_endpoints(api: Any, widget: dict[str, Any], scope: str = "user") -> dict[str, int]:
    wid, kind = widget["id"], widget["widget_type"]
    return {
        "patch": api.patch(f"{WIDGETS}/{wid}?scope={scope}", {"visible": False}).status_code,
        "data": api.get(f"{WIDGETS}/{kind}/data", widget_id=wid).status_code,
        "tasks": api.get(f"{WIDGETS}/tasks-from-management", widget_id=wid).status_code,
        "delete": api.delete(f"{WIDGETS}/{wid}?scope={scope}").status_code,
    }


@pytest.mark.parametrize("role", ["rep2", "manager", "admin", "other_admin"])
def test_another_persons_widget_is_a_404_on_every_widget_endpoint(
    world: World, api_as: Any, rep1_widget: dict[str, Any], unscoped: None, role: str
) -> None:
    # The manager leads rep1 and the admin owns the tenant: still not their dashboard.
    api = api_as(getattr(world, role))
    assert _widget_endpoints(api, rep1_widget) == {"patch": 404, "data": 404, "tasks": 404, "delete": 404}
    assert DashboardWidget.objects.get(pk=rep1_widget["id"]).visible is True


def test_a_persons_widget_is_not_part_of_the_tenant_default(
    world: World, api_as: Any, rep1_widget: dict[str, Any], unscoped: None
) -> None:
    api = api_as(world.admin)
    assert api.patch(f"{WIDGETS}/{rep1_widget['id']}?scope=tenant", {"visible": False}).status_code == 404
    assert api.delete(f"{WIDGETS}/{rep1_widget['id']}?scope=tenant").status_code == 404
    assert DashboardWidget.objects.filter(pk=rep1_widget["id"], visible=True).exists()


def test_saving_a_grid_with_another_persons_widget_is_refused_and_leaves_it_alone(
    world: World, api_as: Any, rep1_widget: dict[str, Any], unscoped: None
) -> None:
    api = api_as(world.rep2)
    mine = api.get(f"{WIDGETS}/layout").json()["widgets"]
    placements = [{"id": w["id"], "x": 0, "y": 0, "w": 6, "h": 4} for w in mine]
    placements.append({"id": rep1_widget["id"], "x": 0, "y": 40, "w": 12, "h": 5, "visible": False})
    response = api.put(f"{WIDGETS}/layout", {"widgets": placements})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == f"widgets.{len(mine)}.id"
    widget = DashboardWidget.objects.get(pk=rep1_widget["id"])
    assert (widget.visible, widget.y) == (True, rep1_widget["y"])
