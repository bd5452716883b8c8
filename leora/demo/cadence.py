"""How each demo account behaves: its segment, its ordering rhythm and the dates it ordered on.

Segments are allocated by quota (not drawn independently) so that even a 60-customer tenant has
every behaviour the cadence metrics look for: healthy, slipping, at-risk, dormant, declining,
narrowing, new, never-ordered prospects and targets.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from statistics import median

from leora.crm.models import AccountType

# segment: (share of accounts, account type)
SEGMENTS: dict[str, tuple[float, str]] = {
    "steady": (0.50, AccountType.ACTIVE),
    "new": (0.05, AccountType.ACTIVE),
    "slipping": (0.06, AccountType.ACTIVE),
    "at_risk": (0.07, AccountType.ACTIVE),
    "dormant": (0.06, AccountType.ACTIVE),
    "declining": (0.06, AccountType.ACTIVE),
    "narrowing": (0.04, AccountType.ACTIVE),
    "prospect": (0.08, AccountType.PROSPECT),
    "target_prospect": (0.04, AccountType.TARGET),
    "target_lapsed": (0.04, AccountType.TARGET),
}
NEVER_ORDERED = frozenset({"prospect", "target_prospect"})

# Reorder interval in days: weekly, fortnightly, every three weeks, monthly, every six weeks.
INTERVALS: dict[int, float] = {7: 0.07, 14: 0.2, 21: 0.1, 30: 0.45, 42: 0.18}

# Multiplier of basket size by month: the holiday peak and the January trough of the wine trade.
MONTH_LIFT = {1: 0.7, 2: 0.9, 3: 0.95, 4: 1.0, 5: 1.0, 6: 1.05, 7: 1.05, 8: 1.0, 9: 1.0, 10: 1.05, 11: 1.3}
DECEMBER_LIFT = 1.45


def allocate(shares: dict[str, float] | dict[int, float], count: int, rng: random.Random) -> list:
    """Return ``count`` keys in shuffled order, each appearing in proportion to its share.

    Largest-remainder rounding, so every share above 1/count is represented at least once.
    """
    exact = [(key, share * count) for key, share in shares.items()]
    counts = {key: int(value) for key, value in exact}
    remainder = count - sum(counts.values())
    for key, _ in sorted(exact, key=lambda kv: kv[1] - int(kv[1]), reverse=True)[:remainder]:
        counts[key] += 1
    keys = [key for key, _ in exact for _ in range(counts[key])]
    rng.shuffle(keys)
    return keys


def month_lift(day: date) -> float:
    """Return the seasonal multiplier of basket size for ``day``."""
    return DECEMBER_LIFT if day.month == 12 else MONTH_LIFT[day.month]


def _gaps(rng: random.Random, interval: int, count: int) -> list[int]:
    # Symmetric jitter keeps the median gap at the nominal interval; a rare skipped order doubles one.
    spread = max(1.0, interval * 0.12)
    gaps = []
    for _ in range(count):
        gap = round(rng.gauss(interval, spread))
        if rng.random() < 0.03:
            gap += interval
        gaps.append(max(max(2, interval // 2), gap))
    return gaps


def order_dates(
    rng: random.Random, segment: str, interval: int, today: date, start: date
) -> tuple[list[date], date]:
    """Return the dates ``segment`` ordered on (ascending) and the day the account was created.

    Dates are laid out backwards from the last order, which is placed at the overdue ratio the
    segment stands for (days since last order divided by the median of the last 12 gaps).
    """
    if segment in NEVER_ORDERED:
        created = today - timedelta(days=rng.randint(10, (today - start).days))
        return [], created
    if segment == "new":
        first = today - timedelta(days=rng.randint(max(3, interval // 2), 58))
        dates = [first]
        while True:
            following = dates[-1] + timedelta(days=max(3, round(rng.gauss(interval, interval * 0.1))))
            if following > today:
                break
            dates.append(following)
        return dates, first - timedelta(days=rng.randint(14, 60))
    history = (today - start).days
    gaps = _gaps(rng, interval, history // max(2, interval // 2) + 2)
    usual = median(gaps[:12])
    if segment in {"steady", "declining", "narrowing"}:
        days_since = rng.randint(0, max(0, int(usual)))
    elif segment == "slipping":
        days_since = round(rng.uniform(1.3, 1.45) * usual)
    elif segment == "at_risk":
        days_since = min(85, round(rng.uniform(1.6, 2.9) * usual))
    else:  # dormant, target_lapsed
        days_since = max(round(3.2 * usual), rng.randint(95, 400))
    # Two in five accounts started buying during the window; the rest were customers before it.
    begins = start
    if rng.random() < 0.4:
        begins = start + timedelta(days=rng.randint(0, max(1, history - days_since - 90)))
    last = today - timedelta(days=days_since)
    dates = []
    day = last
    for gap in gaps:
        if day < begins:
            break
        dates.append(day)
        day -= timedelta(days=gap)
    dates.reverse()
    created = (dates[0] if dates else last) - timedelta(days=rng.randint(7, 90))
    return dates, created
