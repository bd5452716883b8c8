from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from leora.web.formatting import format_date, format_date_time, format_money, relative_day, relative_time

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1234.5"), "USD", "$1,234.50"),
        (Decimal("-80"), "EUR", "-€80.00"),
        (Decimal("95"), "SEK", "SEK 95.00"),
        (Decimal("1500.4"), "JPY", "¥1,500"),
        (Decimal("0.005"), "GBP", "£0.01"),
        (None, "USD", "—"),
    ],
)
def test_money_reads_in_the_currency_given(amount: Decimal | None, currency: str, expected: str) -> None:
    assert format_money(amount, currency) == expected


def test_whole_money_drops_the_cents() -> None:
    assert format_money(Decimal("23514.49"), "USD", whole=True) == "$23,514"


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [
        (0, "today"),
        (1, "yesterday"),
        (-1, "tomorrow"),
        (12, "12 days ago"),
        (-3, "in 3 days"),
        (75, "2 months ago"),
    ],
)
def test_recent_days_read_relative_to_today(days_ago: int, expected: str) -> None:
    assert relative_day(TODAY - timedelta(days=days_ago), TODAY) == expected


def test_a_date_over_a_year_ago_is_written_out() -> None:
    assert relative_day(date(2025, 3, 3), TODAY) == "3 Mar 2025"
    assert format_date(date(2026, 3, 3), TODAY) == "3 Mar"


def test_times_today_read_in_minutes_and_hours_then_by_day_in_the_tenant_timezone() -> None:
    now = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    la = ZoneInfo("America/Los_Angeles")
    assert relative_time(now - timedelta(seconds=20), now, la) == "just now"
    assert relative_time(now - timedelta(minutes=25), now, la) == "25 minutes ago"
    assert relative_time(now - timedelta(hours=3), now, la) == "3 hours ago"
    # 07:00 UTC on the 26th is still the 25th in Los Angeles.
    assert relative_time(datetime(2026, 11, 26, 7, 0, tzinfo=UTC), now, la) == "yesterday"


def test_a_date_carries_its_year_only_when_it_is_not_this_year() -> None:
    assert format_date(date(2026, 8, 7), TODAY) == "7 Aug"
    assert format_date(date(2025, 8, 7), TODAY) == "7 Aug 2025"
    assert format_date(date(2027, 1, 1), TODAY) == "1 Jan 2027"
    # With no today to compare against, the year is always written.
    assert format_date(date(2026, 8, 7)) == "7 Aug 2026"


def test_a_date_can_lead_with_its_weekday() -> None:
    assert format_date(date(2026, 12, 2), TODAY, weekday=True) == "Wed 2 Dec"
    assert format_date(date(2027, 1, 1), TODAY, weekday=True) == "Fri 1 Jan 2027"


def test_a_date_and_time_use_the_same_date_format() -> None:
    assert format_date_time(datetime(2026, 8, 7, 9, 5), TODAY) == "7 Aug, 09:05"
    assert format_date_time(datetime(2025, 12, 31, 23, 59), TODAY) == "31 Dec 2025, 23:59"
    assert format_date_time(datetime(2026, 12, 4, 14, 0), TODAY, weekday=True) == "Fri 4 Dec, 14:00"
