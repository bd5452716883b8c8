import json
import re
from typing import Any

import pytest
from django.test import Client

from leora.metrics.formula import public_attributes
from leora.metrics.selectors import attribute_list
from tests.conftest import World

pytestmark = pytest.mark.django_db

EDITOR_CONFIG = re.compile(r'<script id="metric-editor-config" type="application/json">(.*?)</script>', re.S)


def editor_attributes(user: Any, path: str) -> list[dict[str, Any]]:
    client = Client()
    client.force_login(user)
    found = EDITOR_CONFIG.search(client.get(path).content.decode())
    assert found is not None
    attributes: list[dict[str, Any]] = json.loads(found.group(1))["attributes"]
    return attributes


def test_the_editor_page_and_the_api_list_the_same_attributes(world: World, api_as: Any) -> None:
    from_api = api_as(world.rep1).get("/api/metrics/attributes").json()
    assert editor_attributes(world.rep1, "/metrics/at_risk_customer/") == from_api
    assert editor_attributes(world.admin, "/metrics/new/") == from_api


def test_the_attribute_list_offers_only_public_attributes_in_catalog_order() -> None:
    names = [attribute["name"] for attribute in attribute_list()]
    assert names == list(public_attributes())
    assert "_last_order_day" not in names


def test_text_attributes_list_their_choices() -> None:
    by_name = {attribute["name"]: attribute for attribute in attribute_list()}
    assert by_name["account_type"] == {
        "name": "account_type",
        "type": "text",
        "unit": "text",
        "description": "PROSPECT, TARGET or ACTIVE.",
        "choices": ["PROSPECT", "TARGET", "ACTIVE"],
    }
