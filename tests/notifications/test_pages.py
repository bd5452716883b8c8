from __future__ import annotations

import json
from typing import Any

import pytest

from leora.jobs.queue import job_claim, job_enqueue
from leora.jobs.runner import Outcome, run_job
from leora.notifications.models import Notification
from tests.conftest import World
from tests.notifications.helpers import notify, read_at, signed_in

pytestmark = pytest.mark.django_db

# Session, user and membership of the signed-in request, then the page's own reads.
QUERIES_PER_PAGE = 6
QUERIES_PER_BELL = 4


@pytest.fixture
def inbox(world: World) -> dict[str, Notification]:
    return {
        "old": notify(world.acme, world.rep1, "Old news", read=True, minutes_ago=60),
        "middle": notify(world.acme, world.rep1, "Middle news", url="/customers/", minutes_ago=30),
        "new": notify(world.acme, world.rep1, "Fresh news", url="/tasks/", minutes_ago=1),
        "rep2": notify(world.acme, world.rep2, "For rep2", url="/customers/"),
        "other": notify(world.other, world.other_rep, "Other tenant", url="/customers/"),
    }


def test_the_top_bar_reserves_a_box_that_loads_the_bell(world: World) -> None:
    html = signed_in(world.rep1).get("/notifications/").content.decode()

    assert "data-notification-bell" in html
    assert 'hx-get="/notifications/bell/"' in html
    assert 'hx-trigger="load, every 60s"' in html
    assert 'href="/notifications/" aria-label="Notifications"' in html


def test_the_bell_shows_the_unread_count_as_text(world: World, inbox: Any) -> None:
    response = signed_in(world.rep1).get("/notifications/bell/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="Notifications, 2 unread"' in html
    assert '<span class="badge badge-danger tabular" aria-hidden="true">2</span>' in html


def test_the_bell_with_nothing_unread_shows_no_badge(world: World, inbox: Any) -> None:
    html = signed_in(world.admin).get("/notifications/bell/").content.decode()

    assert 'aria-label="Notifications, 0 unread"' in html
    assert "badge" not in html


def test_the_bell_shows_99_plus_past_99(world: World) -> None:
    Notification.objects.for_tenant(world.acme).bulk_create(
        [Notification(tenant=world.acme, user=world.rep1, kind="test", title=f"N{n}") for n in range(100)]
    )

    html = signed_in(world.rep1).get("/notifications/bell/").content.decode()

    assert 'aria-label="Notifications, 100 unread"' in html
    assert ">99+</span>" in html


def test_the_bell_tells_a_signed_out_page_to_stop_polling(client: Any) -> None:
    assert client.get("/notifications/bell/").status_code == 286


def test_the_bell_takes_a_fixed_number_of_queries(
    world: World, inbox: Any, django_assert_num_queries: Any
) -> None:
    rep = signed_in(world.rep1)

    with django_assert_num_queries(QUERIES_PER_BELL):
        assert rep.get("/notifications/bell/").status_code == 200


def test_signed_out_visitors_are_sent_to_login(client: Any) -> None:
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_page_lists_the_users_notifications_newest_first(world: World, inbox: Any) -> None:
    response = signed_in(world.rep1).get("/notifications/")

    html = response.content.decode()
    assert [note.title for note in response.context["page"].items] == [
        "Fresh news",
        "Middle news",
        "Old news",
    ]
    assert "About Fresh news" in html
    assert "<time" in html
    assert "For rep2" not in html
    assert "Other tenant" not in html


def test_the_page_marks_the_unread_ones(world: World, inbox: Any) -> None:
    html = signed_in(world.rep1).get("/notifications/").content.decode()

    assert html.count('<span class="badge badge-accent">Unread</span>') == 2
    assert "(read)" in html


def test_the_page_can_show_only_unread_ones(world: World, inbox: Any) -> None:
    response = signed_in(world.rep1).get("/notifications/?show=unread")

    assert [note.title for note in response.context["page"].items] == ["Fresh news", "Middle news"]


def test_an_empty_page_says_what_will_appear(world: World) -> None:
    html = signed_in(world.rep1).get("/notifications/").content.decode()

    assert "No notifications yet" in html


def test_the_page_takes_a_fixed_number_of_queries(world: World, django_assert_num_queries: Any) -> None:
    for n in range(30):
        notify(world.acme, world.rep1, f"Note {n}", minutes_ago=n)
    rep = signed_in(world.rep1)

    with django_assert_num_queries(QUERIES_PER_PAGE):
        response = rep.get("/notifications/")

    assert len(response.context["page"].items) == 25


def test_opening_one_marks_it_read_and_redirects_to_its_url(world: World, inbox: Any) -> None:
    response = signed_in(world.rep1).post(f"/notifications/{inbox['new'].pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/tasks/"
    assert read_at(inbox["new"]) is not None


@pytest.mark.parametrize(
    "url",
    ["", "https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "jobs/1/"],
)
def test_opening_one_without_a_local_url_goes_to_the_notifications_page(world: World, url: str) -> None:
    note = notify(world.acme, world.rep1, "Somewhere", url=url)

    response = signed_in(world.rep1).post(f"/notifications/{note.pk}/open/")

    assert response["Location"] == "/notifications/"
    assert read_at(note) is not None


def test_opening_another_users_or_tenants_notification_answers_404(world: World, inbox: Any) -> None:
    rep = signed_in(world.rep1)

    assert rep.post(f"/notifications/{inbox['rep2'].pk}/open/").status_code == 404
    assert rep.post(f"/notifications/{inbox['other'].pk}/open/").status_code == 404
    assert read_at(inbox["rep2"]) is None
    assert read_at(inbox["other"]) is None


def test_opening_needs_a_post(world: World, inbox: Any) -> None:
    assert signed_in(world.rep1).get(f"/notifications/{inbox['new'].pk}/open/").status_code == 405
    assert read_at(inbox["new"]) is None


def test_mark_all_read_marks_the_users_unread_and_returns_to_the_page(world: World, inbox: Any) -> None:
    rep = signed_in(world.rep1)

    response = rep.post("/notifications/read-all/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert read_at(inbox["new"]) is not None
    assert read_at(inbox["middle"]) is not None
    assert read_at(inbox["rep2"]) is None
    assert read_at(inbox["other"]) is None
    assert "All notifications marked read." in rep.get("/notifications/").content.decode()


def test_mark_all_read_from_htmx_answers_the_list_the_bell_and_a_toast(world: World, inbox: Any) -> None:
    response = signed_in(world.rep1).post("/notifications/read-all/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["toast"]["text"] == "All notifications marked read."
    assert 'id="notification-results"' in html
    assert 'hx-swap-oob="innerHTML:[data-notification-bell]"' in html
    assert 'aria-label="Notifications, 0 unread"' in html
    assert "<html" not in html


def test_a_job_that_fails_for_good_reaches_the_admins_notifications_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # given a job that may run once, whose handler always fails
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(
            job_type="fail", payload={"message": "ledger locked"}, tenant=world.acme, max_attempts=1
        )
        [claimed] = job_claim(worker_id="w1")
        # when the worker runs it to its final failure
        assert run_job(claimed, worker_id="w1") == Outcome.FAILED
    admin = signed_in(world.admin)

    # then the admin's bell counts it, the page lists it, and opening it leads to the job
    assert 'aria-label="Notifications, 1 unread"' in admin.get("/notifications/bell/").content.decode()
    html = admin.get("/notifications/").content.decode()
    assert "Job fail failed after 1 attempt(s)" in html
    assert "ledger locked" in html
    [note] = admin.get("/notifications/").context["page"].items
    response = admin.post(f"/notifications/{note.pk}/open/")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert admin.get(response["Location"]).status_code == 200
    assert "Job fail failed" not in signed_in(world.rep1).get("/notifications/").content.decode()


def test_mark_all_read_from_the_unread_filter_answers_the_unread_list(world: World, inbox: Any) -> None:
    response = signed_in(world.rep1).post(
        "/notifications/read-all/", {"show": "unread"}, headers={"HX-Request": "true"}
    )

    assert response.context["unread_only"] is True
    assert "No unread notifications" in response.content.decode()
