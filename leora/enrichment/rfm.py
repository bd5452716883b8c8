"""RFM: recency, frequency and monetary value scored 1-5 by quintile within the tenant, and the
segment each combination of scores names.

Quintiles, not equal-width buckets: a customer's score is 1 + how many fifths of the tenant's
customers with orders rank below it (the bottom fifth scores 1, the top fifth 5, as NTILE(5)
would). Ties share a score: a value is placed at the middle of the run of equal values, so five
customers with the same order count all get the same frequency score instead of being split across
scores by an arbitrary order, and a tenant whose customers are all alike scores them all 3. Computed in
Python over one list of values, so SQLite and PostgreSQL give the same answer.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

# The segments, checked in this order (R, F, M are the scores; FM is the rounded mean of F and M).
SEGMENT_RULES: tuple[tuple[str, str], ...] = (
    ("Champions", "R >= 4 and FM >= 4"),
    ("Loyal", "R >= 3 and FM >= 3"),
    ("New", "R >= 4 and F <= 2"),
    ("Promising", "R >= 4"),
    ("Needs attention", "R = 3"),
    ("Can't lose them", "R = 1 and FM >= 4"),
    ("At risk", "R <= 2 and FM >= 3"),
    ("Hibernating", "R <= 2 and FM <= 2"),
)
SEGMENTS = tuple(name for name, _ in SEGMENT_RULES)


def quintile_scores(values: Sequence[float]) -> list[int]:
    """Return the 1-5 score of each value (higher values score higher), in the order given."""
    ordered = sorted(values)
    count = len(ordered)
    scores = []
    for value in values:
        below = bisect.bisect_left(ordered, value)
        equal = bisect.bisect_right(ordered, value) - below
        # The share of customers ranked below the middle of the run of equal values.
        middle = (below + equal / 2) / count
        scores.append(min(5, 1 + int(5 * middle)))
    return scores


def breakpoints(values: Sequence[float], scores: Sequence[int]) -> list[float | None]:
    """Return the lowest value that got each score 2..5 (None where none did)."""
    lowest: dict[int, float] = {}
    for value, score in zip(values, scores, strict=True):
        if score not in lowest or value < lowest[score]:
            lowest[score] = value
    return [lowest.get(score) for score in range(2, 6)]


def score_against(value: float, cuts: Sequence[float | None]) -> int:
    """Return the score of ``value`` against stored ``breakpoints``: the highest score whose lowest
    value it reaches (1 when it reaches none). Agrees with ``quintile_scores`` for the values that
    made the breakpoints."""
    score = 1
    for index, cut in enumerate(cuts):
        if cut is not None and value >= cut:
            score = index + 2
    return score


def segment_of(recency: int, frequency: int, monetary: int) -> str:
    """Return the RFM segment of three scores (see SEGMENT_RULES)."""
    r, f = recency, frequency
    fm = (frequency + monetary + 1) // 2
    if r >= 4 and fm >= 4:
        return "Champions"
    if r >= 3 and fm >= 3:
        return "Loyal"
    if r >= 4 and f <= 2:
        return "New"
    if r >= 4:
        return "Promising"
    if r == 3:
        return "Needs attention"
    if r == 1 and fm >= 4:
        return "Can't lose them"
    if fm >= 3:
        return "At risk"
    return "Hibernating"


@dataclass(frozen=True)
class Scored:
    recency: int
    frequency: int
    monetary: int

    @property
    def segment(self) -> str:
        return segment_of(self.recency, self.frequency, self.monetary)
