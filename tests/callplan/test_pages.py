"""The call plan pages: the week board and Today, scheduling through the board's forms, who sees what."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from leora.callplan.generation import plans_generate
from leora.callplan.models import CallPlanItem
from leora.crm.models import CalendarEvent
from tests import factories
from tests.callplan.conftest import Book
from tests.conftest import World

HTMX = {"HX-Request": "true"}


@pytest.fixture
def planned(world: World, book: Book) -> Book:
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk, world.rep2.pk])
    return book


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_board_shows_the_proposal_and_the_days(world: World, planned: Book) -> None:
    response = _client(world.rep1).get(f"/callplan/weeks/{planned.week}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Alder Bistro" in html and "At risk" in html
    assert html.count('class="card plan-day') == 5
    assert "callplan.js" in html


def test_callplan_home_opens_this_week(world: World) -> None:
    from leora.tenancy.calendar import week_bounds

    response = _client(world.rep1).get("/callplan/")

    assert response.status_code == 302
    assert response["Location"] == f"/callplan/weeks/{week_bounds(world.acme)[0].isoformat()}/"


def test_scheduling_from_the_board_books_the_visit(world: World, planned: Book) -> None:
    alder = CallPlanItem.objects.get(customer=planned.customers["alder"])
    tuesday = planned.monday + timedelta(days=1)

    response = _client(world.rep1).post(
        f"/callplan/items/{alder.pk}/",
        {"scheduled_date": tuesday.isoformat(), "scheduled_time": "14:00", "action": "visit"},
        headers=HTMX,
    )

    assert response.status_code == 200 and 'id="plan-board"' in response.content.decode()
    alder.refresh_from_db()
    assert alder.scheduled_date == tuesday and alder.event is not None
    expected = timezone.make_aware(datetime.combine(tuesday, time(14, 0)), world.acme.tzinfo)
    assert CalendarEvent.objects.get(pk=alder.event_id).starts_at == expected


def test_a_day_over_capacity_is_flagged(world: World, planned: Book) -> None:
    from leora.callplan.services import rep_settings_update

    rep1 = factories.actor(world.acme, world.rep1)
    rep_settings_update(actor=rep1, user_id=None, changes={"daily_capacity": 1})
    client = _client(world.rep1)
    for key in ("alder", "birch"):
        item = CallPlanItem.objects.get(customer=planned.customers[key])
        client.post(f"/callplan/items/{item.pk}/", {"scheduled_date": planned.week}, headers=HTMX)

    html = client.get(f"/callplan/weeks/{planned.week}/").content.decode()

    assert "Over capacity" in html and "2 / 1" in html


def test_removing_needs_a_reason(world: World, planned: Book) -> None:
    alder = CallPlanItem.objects.get(customer=planned.customers["alder"])

    response = _client(world.rep1).post(f"/callplan/items/{alder.pk}/", {"removed_reason": " "}, headers=HTMX)

    assert "Say why the account comes out of the plan." in response["HX-Trigger"]
    alder.refresh_from_db()
    assert alder.removed_at is None


def test_today_lists_the_days_stops_and_ticks_off_contacted_ones(world: World, planned: Book) -> None:
    from leora.tenancy.calendar import tenant_today

    today = tenant_today(world.acme)
    rep1 = factories.actor(world.acme, world.rep1)
    from leora.callplan.services import item_update

    for key in ("alder", "birch"):
        item = CallPlanItem.objects.get(customer=planned.customers[key])
        item_update(actor=rep1, item=item, changes={"scheduled_date": today})
    factories.make_activity(planned.customers["birch"], world.rep1, kind="call")

    html = _client(world.rep1).get("/callplan/today/").content.decode()

    stops = CallPlanItem.objects.filter(scheduled_date=today).count()  # the Iris Inn event may be today too
    assert f"1 of {stops} done" in html
    assert f"/customers/{planned.customers['alder'].pk}/activities/new/?kind=visit" in html
    assert f"/customers/{planned.customers['alder'].pk}/orders/new/" in html


def test_a_reps_board_is_not_shown_to_another_rep(world: World, planned: Book) -> None:
    client = _client(world.rep2)
    alder = CallPlanItem.objects.get(customer=planned.customers["alder"])

    assert client.get(f"/callplan/weeks/{planned.week}/?user_id={world.rep1.pk}").status_code == 404
    assert (
        client.post(f"/callplan/items/{alder.pk}/", {"scheduled_date": ""}, headers=HTMX).status_code == 404
    )


def test_a_manager_opens_a_reps_board(world: World, planned: Book) -> None:
    html = (
        _client(world.manager)
        .get(f"/callplan/weeks/{planned.week}/?user_id={world.rep1.pk}")
        .content.decode()
    )

    assert "Rep1's week" in html and "Alder Bistro" in html


def test_another_tenants_board_and_items_answer_404(world: World, planned: Book) -> None:
    client = _client(world.other_admin)
    alder = CallPlanItem.objects.get(customer=planned.customers["alder"])

    assert client.get(f"/callplan/weeks/{planned.week}/?user_id={world.rep1.pk}").status_code == 404
    assert (
        client.post(f"/callplan/items/{alder.pk}/", {"scheduled_date": ""}, headers=HTMX).status_code == 404
    )


def test_a_week_that_is_not_a_monday_is_a_404_page(world: World, planned: Book) -> None:
    tuesday = planned.monday + timedelta(days=1)
    assert _client(world.rep1).get(f"/callplan/weeks/{tuesday.isoformat()}/").status_code == 404
