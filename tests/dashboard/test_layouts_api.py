"""/api/dashboard/widgets: the tenant default, copy-on-write personal layouts, reset, the whole grid saved
in one call, and isolation between people and tenants."""

from __future__ import annotations

from typing import Any

import pytest

from leora.dashboard.layouts import DEFAULT_WIDGETS
from leora.dashboard.models import DashboardLayout, DashboardWidget
from leora.tenancy.models import AuditEvent
from tests.conftest import World

BASE = "/api/dashboard/widgets"


def _types(body: dict[str, Any]) -> list[str]:
    return [w["widget_type"] for w in body["widgets"]]


def test_a_new_tenant_starts_with_all_ten_widgets_tasks_from_management_first(
    world: World, api_as: Any
) -> None:
    body = api_as(world.rep1).get(f"{BASE}/layout").json()
    assert body["source"] == "default"
    assert _types(body) == list(DEFAULT_WIDGETS)
    assert body["widgets"][0]["widget_type"] == "tasks_from_management"
    assert body["widgets"][0]["position"] == 0
    assert [w["position"] for w in body["widgets"]] == list(range(10))
    assert {t["widget_type"] for t in body["catalog"]} == set(DEFAULT_WIDGETS)


def test_the_default_layout_does_not_overlap_and_stays_inside_the_grid(world: World, api_as: Any) -> None:
    widgets = api_as(world.rep1).get(f"{BASE}/layout").json()["widgets"]
    cells: set[tuple[int, int]] = set()
    for w in widgets:
        assert w["x"] >= 0
        assert w["x"] + w["w"] <= 12
        area = {(x, y) for x in range(w["x"], w["x"] + w["w"]) for y in range(w["y"], w["y"] + w["h"])}
        assert not cells & area
        cells |= area


def test_the_list_endpoint_answers_the_paginated_envelope(world: World, api_as: Any) -> None:
    body = api_as(world.rep1).get(BASE, page_size=4).json()
    assert body["total"] == 10
    assert body["page_size"] == 4
    assert [w["widget_type"] for w in body["items"]] == list(DEFAULT_WIDGETS[:4])


def test_a_persons_first_change_copies_the_default_and_leaves_it_alone(world: World, api_as: Any) -> None:
    # given
    api = api_as(world.rep1)
    default = api.get(f"{BASE}/layout").json()["widgets"]
    revenue = next(w for w in default if w["widget_type"] == "revenue_trend")
    # when
    changed = api.patch(f"{BASE}/{revenue['id']}", {"visible": False, "size": "small"})
    # then
    assert changed.status_code == 200, changed.content
    assert changed.json()["visible"] is False
    assert changed.json()["size"] == "small"
    assert changed.json()["id"] != revenue["id"]
    mine = api.get(f"{BASE}/layout").json()
    assert mine["source"] == "own"
    assert _types(mine) == list(DEFAULT_WIDGETS)
    others = api_as(world.rep2).get(f"{BASE}/layout").json()
    assert others["source"] == "default"
    assert next(w for w in others["widgets"] if w["widget_type"] == "revenue_trend")["visible"] is True


def test_people_without_a_layout_of_their_own_see_later_changes_to_the_default(
    world: World, api_as: Any
) -> None:
    # given: rep1 has their own layout, rep2 follows the default
    rep1, rep2, admin = api_as(world.rep1), api_as(world.rep2), api_as(world.admin)
    first = rep1.get(f"{BASE}/layout").json()["widgets"][0]
    rep1.patch(f"{BASE}/{first['id']}", {"visible": True})
    # when the admin adds a widget to the default
    added = admin.post(f"{BASE}?scope=tenant", {"widget_type": "top_products", "config": {"limit": 3}})
    # then
    assert added.status_code == 201, added.content
    assert _types(rep2.get(f"{BASE}/layout").json()).count("top_products") == 2
    assert _types(rep1.get(f"{BASE}/layout").json()).count("top_products") == 1


def test_an_admins_change_to_the_default_is_audited(world: World, api_as: Any, unscoped: None) -> None:
    api_as(world.admin).post(f"{BASE}?scope=tenant", {"widget_type": "new_customers"})
    assert AuditEvent.objects.filter(tenant=world.acme, action="dashboard.default_update").count() == 1


def test_only_admins_change_the_tenant_default(world: World, api_as: Any) -> None:
    for user in (world.manager, world.rep1):
        response = api_as(user).post(f"{BASE}?scope=tenant", {"widget_type": "new_customers"})
        assert response.status_code == 403


def test_reset_drops_the_personal_layout(world: World, api_as: Any, unscoped: None) -> None:
    api = api_as(world.rep1)
    widget = api.get(f"{BASE}/layout").json()["widgets"][3]
    api.delete(f"{BASE}/{widget['id']}")
    assert len(api.get(f"{BASE}/layout").json()["widgets"]) == 9
    # when
    body = api.post(f"{BASE}/reset").json()
    # then
    assert body["source"] == "default"
    assert _types(body) == list(DEFAULT_WIDGETS)
    assert not DashboardLayout.objects.filter(tenant=world.acme, user=world.rep1).exists()


def test_deleting_a_widget_closes_up_the_positions(world: World, api_as: Any) -> None:
    api = api_as(world.rep1)
    widgets = api.get(f"{BASE}/layout").json()["widgets"]
    assert api.delete(f"{BASE}/{widgets[2]['id']}").status_code == 204
    after = api.get(f"{BASE}/layout").json()["widgets"]
    assert [w["position"] for w in after] == list(range(9))
    assert "customers_due" not in _types({"widgets": after})


def test_moving_a_widget_to_a_position_shifts_the_others(world: World, api_as: Any) -> None:
    api = api_as(world.rep1)
    widgets = api.get(f"{BASE}/layout").json()["widgets"]
    last = widgets[-1]
    moved = api.patch(f"{BASE}/{last['id']}", {"position": 0})
    assert moved.json()["position"] == 0
    order = _types(api.get(f"{BASE}/layout").json())
    assert order == ["activity_summary", *DEFAULT_WIDGETS[:-1]]


def test_a_resize_snaps_to_the_nearest_size(world: World, api_as: Any) -> None:
    api = api_as(world.rep1)
    widget = api.get(f"{BASE}/layout").json()["widgets"][1]
    body = api.patch(f"{BASE}/{widget['id']}", {"w": 11, "x": 5}).json()
    assert (body["size"], body["w"], body["h"]) == ("large", 12, 5)
    assert body["x"] == 0  # kept inside the grid
    body = api.patch(f"{BASE}/{body['id']}", {"w": 5}).json()
    assert (body["size"], body["w"]) == ("medium", 6)


def test_saving_the_whole_grid_keeps_places_order_and_visibility(world: World, api_as: Any) -> None:
    # given
    api = api_as(world.rep1)
    widgets = api.get(f"{BASE}/layout").json()["widgets"]
    reordered = list(reversed(widgets))
    placements = [
        {"id": w["id"], "x": 0, "y": i * 4, "w": 6, "h": 4, "visible": i != 1}
        for i, w in enumerate(reordered)
    ]
    # when
    response = api.put(f"{BASE}/layout", {"widgets": placements})
    # then
    assert response.status_code == 200, response.content
    saved = api.get(f"{BASE}/layout").json()
    assert saved["source"] == "own"
    assert _types(saved) == list(reversed(DEFAULT_WIDGETS))
    assert [w["y"] for w in saved["widgets"]] == [i * 4 for i in range(10)]
    assert [w["visible"] for w in saved["widgets"]] == [i != 1 for i in range(10)]


def test_saving_a_grid_that_leaves_a_widget_out_is_refused_and_writes_nothing(
    world: World, api_as: Any, unscoped: None
) -> None:
    api = api_as(world.rep1)
    widgets = api.get(f"{BASE}/layout").json()["widgets"]
    placements = [{"id": w["id"], "x": 0, "y": 0, "w": 6, "h": 4} for w in widgets[1:]]
    response = api.put(f"{BASE}/layout", {"widgets": placements})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "widgets"
    assert not DashboardLayout.objects.filter(tenant=world.acme, user=world.rep1).exists()


def test_an_unknown_widget_type_is_a_422_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).post(BASE, {"widget_type": "crystal_ball"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "widget_type"


def test_a_config_failing_its_schema_is_a_422_naming_the_key(
    world: World, api_as: Any, unscoped: None
) -> None:
    api = api_as(world.rep1)
    response = api.post(BASE, {"widget_type": "top_products", "config": {"limit": 0}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "config.limit"
    response = api.post(BASE, {"widget_type": "top_products", "config": {"colour": "red"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "config.colour"
    assert not DashboardLayout.objects.filter(tenant=world.acme, user=world.rep1).exists()


def test_another_persons_widget_answers_404(world: World, api_as: Any) -> None:
    rep1, rep2 = api_as(world.rep1), api_as(world.rep2)
    first = rep1.get(f"{BASE}/layout").json()["widgets"][0]
    own = rep1.patch(f"{BASE}/{first['id']}", {"visible": False}).json()
    assert rep2.patch(f"{BASE}/{own['id']}", {"visible": True}).status_code == 404
    assert rep2.delete(f"{BASE}/{own['id']}").status_code == 404
    assert rep2.get(f"{BASE}/tasks_from_management/data", widget_id=own["id"]).status_code == 404


def test_another_tenants_widget_answers_404(world: World, api_as: Any, unscoped: None) -> None:
    acme_widget = api_as(world.rep1).get(f"{BASE}/layout").json()["widgets"][0]
    other = api_as(world.other_admin)
    assert other.patch(f"{BASE}/{acme_widget['id']}", {"visible": False}).status_code == 404
    assert other.patch(f"{BASE}/{acme_widget['id']}?scope=tenant", {"visible": False}).status_code == 404
    assert DashboardWidget.objects.get(pk=acme_widget["id"]).visible is True


def test_the_layout_loads_in_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    api = api_as(world.rep1)
    api.get(f"{BASE}/layout")  # creates the default
    # token, membership, own layout (none), default layout, its widgets
    with django_assert_num_queries(5):
        assert api.get(f"{BASE}/layout").status_code == 200


@pytest.mark.parametrize("widget_type", DEFAULT_WIDGETS)
def test_every_widget_type_answers_its_data_for_each_role(
    world: World, api_as: Any, widget_type: str
) -> None:
    for user in (world.rep1, world.manager, world.admin):
        response = api_as(user).get(f"{BASE}/{widget_type}/data")
        assert response.status_code == 200, response.content
        assert response.json()["widget_type"] == widget_type


def test_data_with_a_widget_id_uses_that_widgets_config(world: World, api_as: Any) -> None:
    api = api_as(world.rep1)
    added = api.post(BASE, {"widget_type": "top_products", "config": {"limit": 2, "by": "units"}}).json()
    body = api.get(f"{BASE}/top_products/data", widget_id=added["id"]).json()
    assert body["config"] == {"limit": 2, "days": 30, "by": "units"}
    assert body["data"]["by"] == "units"


def test_a_rep_cannot_filter_the_dashboard_to_another_rep(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get(f"{BASE}/quota_progress/data", rep_id=world.rep2.pk)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "rep_id"


def test_a_manager_filters_to_their_reps_but_not_beyond(world: World, api_as: Any) -> None:
    api = api_as(world.manager)
    assert api.get(f"{BASE}/quota_progress/data", rep_id=world.rep1.pk).status_code == 200
    assert api.get(f"{BASE}/quota_progress/data", rep_id=world.rep3.pk).status_code == 422
    assert api.get(f"{BASE}/quota_progress/data", rep_id=world.other_rep.pk).status_code == 422


def test_an_admin_puts_the_tenant_default_back_to_the_standard_widgets(world: World, api_as: Any) -> None:
    admin, rep = api_as(world.admin), api_as(world.rep2)
    first = admin.get(f"{BASE}/layout?scope=tenant").json()["widgets"][0]
    admin.delete(f"{BASE}/{first['id']}?scope=tenant")
    assert len(rep.get(f"{BASE}/layout").json()["widgets"]) == 9
    # when
    body = admin.post(f"{BASE}/reset?scope=tenant").json()
    # then
    assert _types(body) == list(DEFAULT_WIDGETS)
    assert _types(rep.get(f"{BASE}/layout").json()) == list(DEFAULT_WIDGETS)
    assert api_as(world.manager).post(f"{BASE}/reset?scope=tenant").status_code == 403


def test_a_segment_widget_naming_no_segment_metric_is_refused_when_saved(
    world: World, api_as: Any, unscoped: None
) -> None:
    api = api_as(world.rep1)
    for metric in ("crystal_ball", "health_score"):
        response = api.post(BASE, {"widget_type": "at_risk_customers", "config": {"metric": metric}})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "config.metric"
    widget = next(
        w for w in api.get(f"{BASE}/layout").json()["widgets"] if w["widget_type"] == "customers_due"
    )
    response = api.patch(f"{BASE}/{widget['id']}", {"config": {"metric": "crystal_ball"}})
    assert response.status_code == 422
    assert not DashboardLayout.objects.filter(tenant=world.acme, user=world.rep1).exists()
