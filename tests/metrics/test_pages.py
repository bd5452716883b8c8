from typing import Any

import pytest
from django.test import Client

from leora.metrics.defaults import TEMPLATES
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_page_shows_the_tenants_metrics(world: World) -> None:
    response = client_for(world.admin).get("/metrics/")
    assert response.status_code == 200
    assert b"at_risk_customer" in response.content and b"New metric" in response.content


def test_the_list_page_runs_a_fixed_number_of_queries(world: World, django_assert_num_queries: Any) -> None:
    client = client_for(world.admin)
    # session, user, membership, count, one page (current version and its author joined).
    with django_assert_num_queries(5):
        response = client.get("/metrics/")
    assert len(response.context["page"].items) == len(TEMPLATES)


def test_the_template_gallery_runs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world.admin)
    # session, user, membership, the codes already installed.
    with django_assert_num_queries(4):
        assert client.get("/metrics/templates/").status_code == 200


def test_the_editor_page_runs_a_fixed_number_of_queries(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    admin_api = api_as(world.admin)
    for threshold in range(2, 7):
        admin_api.patch(
            "/api/metrics/definitions/at_risk_customer", {"formula": f"overdue_ratio >= {threshold}"}
        )
    client = client_for(world.admin)
    # session, user, membership, the definition, its versions (authors joined), the segments a formula
    # may refer to: more versions must not add queries.
    with django_assert_num_queries(6):
        response = client.get("/metrics/at_risk_customer/")
    assert b"Version 6" in response.content


def test_the_list_search_answers_htmx_with_the_results_fragment(world: World) -> None:
    response = client_for(world.admin).get(
        "/metrics/", {"search": "dormant_"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"dormant_customer" in response.content and b"at_risk_customer" not in response.content


def test_the_editor_page_carries_the_definition_and_history(world: World) -> None:
    response = client_for(world.admin).get("/metrics/at_risk_customer/")
    assert response.status_code == 200
    assert b"metric-editor-config" in response.content
    assert b"Version 1" in response.content


def test_another_tenants_metric_page_is_404(world: World) -> None:
    assert client_for(world.other_admin).get("/metrics/nonexistent_code/").status_code == 404


def test_reps_read_but_cannot_open_the_new_metric_page(world: World) -> None:
    rep = client_for(world.rep1)
    assert rep.get("/metrics/at_risk_customer/").status_code == 200
    assert rep.get("/metrics/new/").status_code == 403
    assert rep.get("/metrics/import/").status_code == 403


def test_the_template_gallery_and_a_prefilled_editor(world: World) -> None:
    admin = client_for(world.admin)
    assert b"Template gallery" in admin.get("/metrics/templates/").content
    response = admin.get("/metrics/new/", {"template": "due_to_order"})
    assert b"days_until_expected_order" in response.content
