"""How numbers and dates read on the pages: money in the tenant's currency, dates relative to today."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal

# Symbols people expect to see; any other ISO code is written before the amount ("SEK 1,200.00").
_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "AUD": "A$",
    "CAD": "CA$",
    "NZD": "NZ$",
    "JPY": "¥",
    "INR": "₹",
    "ZAR": "R",
}
_NO_MINOR_UNITS = {"JPY", "KRW", "CLP", "ISK"}


def format_money(amount: Decimal | int | float | None, currency: str, *, whole: bool = False) -> str:
    """Return ``amount`` as text in ``currency`` ("$1,234.50", "-€80.00", "SEK 95.00"); "—" for None.

    ``whole`` drops the cents, for headline figures where they are noise.
    """
    if amount is None:
        return "—"
    code = (currency or "USD").upper()
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    places = 0 if whole or code in _NO_MINOR_UNITS else 2
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    digits = f"{abs(rounded):,.{places}f}"
    symbol = _SYMBOLS.get(code)
    text = f"{symbol}{digits}" if symbol else f"{code} {digits}"
    return f"-{text}" if rounded < 0 else text


def relative_day(value: date, today: date) -> str:
    """Return how far ``value`` is from ``today`` in words: "today", "12 days ago", "in 3 days".

    Past six weeks it says months, past a year the date itself, where "14 months ago" helps nobody.
    """
    days = (today - value).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    if 1 < days < 45:
        return f"{days} days ago"
    if -45 < days < -1:
        return f"in {-days} days"
    if 45 <= days < 365:
        months = max(2, round(days / 30.4))
        return f"{months} months ago"
    return format_date(value, today)


def relative_time(value: datetime, now: datetime, tz: tzinfo) -> str:
    """Return how long ago ``value`` happened: "just now", "25 minutes ago", "3 hours ago", else by day."""
    seconds = (now - value).total_seconds()
    if 0 <= seconds < 60:
        return "just now"
    if 0 <= seconds < 3600:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    if 0 <= seconds < 6 * 3600:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    return relative_day(value.astimezone(tz).date(), now.astimezone(tz).date())


def format_date(value: date, today: date | None = None, *, weekday: bool = False) -> str:
    """Return "14 Nov" for a date in ``today``'s year, "14 Nov 2025" otherwise (always with the year when
    no ``today`` is given); ``weekday`` puts the day's name first ("Fri 14 Nov").

    Every date a page shows is written this one way (the template tags short_date, date_time and ago).
    """
    text = (
        f"{value.day} {value:%b}"
        if today is not None and value.year == today.year
        else f"{value.day} {value:%b %Y}"
    )
    return f"{value:%a} {text}" if weekday else text


def format_clock(value: time | datetime) -> str:
    """Return a time of day as people read it everywhere in Leora: "09:30"."""
    return f"{value:%H:%M}"


def format_date_time(value: datetime, today: date, *, weekday: bool = False) -> str:
    """Return "14 Nov, 09:30" (or "14 Nov 2025, 09:30") for ``value`` already in the reader's timezone."""
    return f"{format_date(value.date(), today, weekday=weekday)}, {format_clock(value)}"
