"""Route order: never longer than the nearest-neighbour tour, straight-line legs, and a day ordered
through the service from the rep's start location."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from leora.callplan.generation import plans_generate
from leora.callplan.models import CallPlanItem, RepPlanSettings
from leora.callplan.route import haversine_km, legs, nearest_neighbour, path_length, route_order
from leora.callplan.selectors import plan_get
from leora.callplan.services import day_route_order, item_update
from tests import factories
from tests.callplan.conftest import Book
from tests.conftest import World

# A start and seven stops around Napa where greedy nearest neighbour takes a long detour.
START = (38.2975, -122.2869)
STOPS = [
    (38.3000, -122.2800),
    (38.3100, -122.3000),
    (38.2500, -122.2000),
    (38.3300, -122.2900),
    (38.2400, -122.1800),
    (38.3600, -122.3100),
    (38.2600, -122.2300),
]


def test_haversine_measures_a_known_distance() -> None:
    # Napa to San Francisco, about 57 km as the crow flies.
    assert 55 < haversine_km((38.2975, -122.2869), (37.7749, -122.4194)) < 60


def test_route_is_at_least_as_short_as_nearest_neighbour() -> None:
    greedy = path_length(START, STOPS, nearest_neighbour(START, STOPS))
    routed = route_order(START, STOPS)

    assert sorted(routed) == list(range(len(STOPS)))
    assert path_length(START, STOPS, routed) <= greedy + 1e-9


def test_two_opt_untangles_a_crossing() -> None:
    # From the start, the nearest neighbour goes out and back; 2-opt finds the straight line.
    start = (0.0, 0.0)
    stops = [(0.0, 1.0), (0.0, -0.5), (0.0, 2.0), (0.0, 3.0)]
    routed = route_order(start, stops)

    assert path_length(start, stops, routed) <= path_length(start, stops, nearest_neighbour(start, stops))
    assert path_length(start, stops, routed) < 4 * 111.3 * 1.0 + 1  # no more than out-and-back once


def test_legs_skip_stops_without_coordinates() -> None:
    out = legs(START, [STOPS[0], None, STOPS[1]])

    assert out[0].km is not None and out[1].km is None
    assert out[2].km is not None and abs(out[2].km - haversine_km(STOPS[0], STOPS[1])) < 1e-9


def test_a_days_visits_are_ordered_from_the_reps_start(world: World, book: Book) -> None:
    # given three visits on Wednesday with coordinates, and rep1 starting in Napa
    plans_generate(tenant=world.acme, monday=book.monday, user_ids=[world.rep1.pk])
    rep1 = factories.actor(world.acme, world.rep1)
    RepPlanSettings.objects.create(
        tenant=world.acme,
        user=world.rep1,
        start_latitude=Decimal("38.2975"),
        start_longitude=Decimal("-122.2869"),
    )
    wednesday = book.monday + timedelta(days=2)
    far, near, middle = (book.customers[k] for k in ("alder", "cedar", "dune"))
    for customer, point in ((far, (38.5, -122.5)), (near, (38.30, -122.29)), (middle, (38.4, -122.4))):
        customer.latitude, customer.longitude = Decimal(str(point[0])), Decimal(str(point[1]))
        customer.save()
        item = CallPlanItem.objects.get(customer=customer)
        item_update(actor=rep1, item=item, changes={"scheduled_date": wednesday, "action": "visit"})
    plan = plan_get(actor=rep1, user=world.rep1, monday=book.monday)
    assert plan is not None

    # when the day is put in route order
    ordered = day_route_order(actor=rep1, plan=plan, day=wednesday)

    # then the nearest comes first and the farthest last, the Iris Inn visit (no coordinates) after them
    names = [item.customer.name for item in ordered]
    assert names[:3] == ["Cedar Cellars", "Dune Deli", "Alder Bistro"]
    assert names[3:] == ["Iris Inn"]
