"""Route order for a day's stops: nearest neighbour from the start, then 2-opt, on straight-line legs.

A day holds a handful of stops (the rep's capacity is at most 50), so an exact solver buys nothing
over this classic heuristic: nearest neighbour builds a tour from the start location, and 2-opt
reverses any stretch whose reversal shortens the drive until none does. 2-opt only ever shortens a
tour, so the result is never longer than the nearest-neighbour tour. Legs are haversine distances
(great-circle, in km): no road network, no outside service. The route is open: it ends at the last
stop rather than driving back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

EARTH_RADIUS_KM = 6371.0088
Point = tuple[float, float]


def haversine_km(a: Point, b: Point) -> float:
    """The great-circle distance between two (latitude, longitude) points in kilometres."""
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def path_length(start: Point | None, points: Sequence[Point], order: Sequence[int]) -> float:
    """The length of visiting ``points`` in ``order`` from ``start`` (from the first stop without one)."""
    here = start
    total = 0.0
    for index in order:
        if here is not None:
            total += haversine_km(here, points[index])
        here = points[index]
    return total


def nearest_neighbour(start: Point | None, points: Sequence[Point]) -> list[int]:
    """Visit the closest unvisited stop each time; without a start, begin at the first stop."""
    left = list(range(len(points)))
    order: list[int] = []
    here = start
    if here is None and left:
        order.append(left.pop(0))
        here = points[order[0]]
    while left:
        origin: Point = here if here is not None else points[left[0]]
        closest = min(left, key=lambda i: (haversine_km(origin, points[i]), i))
        left.remove(closest)
        order.append(closest)
        here = points[closest]
    return order


def two_opt(start: Point | None, points: Sequence[Point], order: list[int]) -> list[int]:
    """Reverse stretches of the open path while that shortens it; return the improved order."""
    best = list(order)
    best_length = path_length(start, points, best)
    # Without a start the first stop is fixed as the origin, like the start location would be.
    first = 0 if start is not None else 1
    improved = True
    while improved:
        improved = False
        for i in range(first, len(best) - 1):
            for j in range(i + 1, len(best)):
                candidate = best[:i] + best[i : j + 1][::-1] + best[j + 1 :]
                length = path_length(start, points, candidate)
                if length < best_length - 1e-9:
                    best, best_length, improved = candidate, length, True
    return best


def route_order(start: Point | None, points: Sequence[Point]) -> list[int]:
    """The order to visit ``points`` in: nearest neighbour improved by 2-opt."""
    return two_opt(start, points, nearest_neighbour(start, points))


@dataclass(frozen=True)
class Leg:
    """One stop of a routed day: the km from the previous stop (or the start), None without coordinates."""

    index: int
    km: float | None


def point_of(latitude: Decimal | None, longitude: Decimal | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    return float(latitude), float(longitude)


def legs(start: Point | None, points: Sequence[Point | None]) -> list[Leg]:
    """The straight-line leg to each stop in the given order (None where a point is missing)."""
    out = []
    here = start
    for index, point in enumerate(points):
        km = haversine_km(here, point) if here is not None and point is not None else None
        out.append(Leg(index=index, km=km))
        here = point if point is not None else here
    return out
