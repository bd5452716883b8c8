from __future__ import annotations

from typing import Any

import pytest

from leora.notifications.models import Notification
from tests.conftest import World
from tests.notifications.helpers import notify, read_at

pytestmark = pytest.mark.django_db

# The token with its membership and last use, then the count and the page of rows.
QUERIES_PER_LIST = 5


@pytest.fixture
def inbox(world: World) -> dict[str, Notification]:
    return {
        "old": notify(world.acme, world.rep1, "Old news", read=True, minutes_ago=60),
        "middle": notify(world.acme, world.rep1, "Middle news", minutes_ago=30),
        "new": notify(world.acme, world.rep1, "Fresh news", minutes_ago=1),
        "rep2": notify(world.acme, world.rep2, "For rep2"),
        "other": notify(world.other, world.other_rep, "Other tenant"),
    }


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_a_user_lists_only_their_own_notifications_newest_first(
    world: World, inbox: Any, api_as: Any
) -> None:
    response = api_as(world.rep1).get("/api/notifications")

    assert titles(response) == ["Fresh news", "Middle news", "Old news"]
    assert response.json()["total"] == 3


def test_an_item_carries_its_text_link_and_read_state(world: World, inbox: Any, api_as: Any) -> None:
    [item] = [
        i for i in api_as(world.rep1).get("/api/notifications").json()["items"] if i["title"] == "Old news"
    ]

    assert item["id"] == inbox["old"].pk
    assert item["body"] == "About Old news"
    assert item["kind"] == "test"
    assert item["read_at"] is not None


def test_neither_a_manager_nor_an_admin_sees_a_reps_notifications(
    world: World, inbox: Any, api_as: Any
) -> None:
    assert titles(api_as(world.manager).get("/api/notifications")) == []
    assert titles(api_as(world.admin).get("/api/notifications")) == []


def test_another_tenants_notifications_never_show(world: World, inbox: Any, api_as: Any) -> None:
    assert titles(api_as(world.other_rep).get("/api/notifications")) == ["Other tenant"]


def test_the_unread_filter_keeps_only_unread_or_only_read(world: World, inbox: Any, api_as: Any) -> None:
    rep = api_as(world.rep1)

    assert titles(rep.get("/api/notifications", unread="true")) == ["Fresh news", "Middle news"]
    assert titles(rep.get("/api/notifications", unread="false")) == ["Old news"]


def test_search_matches_title_and_body(world: World, inbox: Any, api_as: Any) -> None:
    assert titles(api_as(world.rep1).get("/api/notifications", search="middle")) == ["Middle news"]


def test_the_list_is_paginated(world: World, inbox: Any, api_as: Any) -> None:
    body = api_as(world.rep1).get("/api/notifications", page=2, page_size=2).json()

    assert (body["total"], body["page"], body["page_size"]) == (3, 2, 2)
    assert [item["title"] for item in body["items"]] == ["Old news"]


def test_an_unknown_ordering_is_rejected_naming_the_field(world: World, api_as: Any) -> None:
    response = api_as(world.rep1).get("/api/notifications", ordering="user")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ordering"


def test_the_list_needs_a_token(world: World, client: Any) -> None:
    assert client.get("/api/notifications").status_code == 401


def test_the_unread_count_counts_only_the_callers_unread(world: World, inbox: Any, api_as: Any) -> None:
    assert api_as(world.rep1).get("/api/notifications/unread-count").json() == {"unread": 2}
    assert api_as(world.rep2).get("/api/notifications/unread-count").json() == {"unread": 1}
    assert api_as(world.admin).get("/api/notifications/unread-count").json() == {"unread": 0}


def test_reading_one_marks_it_read_and_lowers_the_count(world: World, inbox: Any, api_as: Any) -> None:
    rep = api_as(world.rep1)

    response = rep.post(f"/api/notifications/{inbox['new'].pk}/read")

    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert read_at(inbox["new"]) is not None
    assert rep.get("/api/notifications/unread-count").json() == {"unread": 1}


def test_reading_a_read_notification_keeps_its_first_read_time(world: World, inbox: Any, api_as: Any) -> None:
    first = read_at(inbox["old"])

    response = api_as(world.rep1).post(f"/api/notifications/{inbox['old'].pk}/read")

    assert response.status_code == 200
    assert read_at(inbox["old"]) == first


def test_another_users_notification_answers_404(world: World, inbox: Any, api_as: Any) -> None:
    for user in (world.rep1, world.manager, world.admin):
        response = api_as(user).post(f"/api/notifications/{inbox['rep2'].pk}/read")
        assert response.status_code == 404
        assert response.json()["detail"] == "notification not found"
    assert read_at(inbox["rep2"]) is None


def test_another_tenants_notification_answers_404(world: World, inbox: Any, api_as: Any) -> None:
    response = api_as(world.admin).post(f"/api/notifications/{inbox['other'].pk}/read")

    assert response.status_code == 404
    assert read_at(inbox["other"]) is None


def test_a_missing_notification_answers_404(world: World, api_as: Any) -> None:
    assert api_as(world.rep1).post("/api/notifications/999999/read").status_code == 404


def test_read_all_marks_only_the_callers_unread(world: World, inbox: Any, api_as: Any) -> None:
    rep = api_as(world.rep1)

    response = rep.post("/api/notifications/read-all")

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert rep.get("/api/notifications/unread-count").json() == {"unread": 0}
    assert read_at(inbox["rep2"]) is None
    assert read_at(inbox["other"]) is None


def test_read_all_with_nothing_unread_marks_nothing(world: World, api_as: Any) -> None:
    assert api_as(world.rep1).post("/api/notifications/read-all").json() == {"marked": 0}


def test_the_list_takes_the_same_few_queries_however_long_it_is(
    world: World, api_as: Any, django_assert_num_queries: Any
) -> None:
    for n in range(30):
        notify(world.acme, world.rep1, f"Note {n}", minutes_ago=n)
    rep = api_as(world.rep1)

    with django_assert_num_queries(QUERIES_PER_LIST):
        response = rep.get("/api/notifications", page_size=25)

    assert len(titles(response)) == 25
