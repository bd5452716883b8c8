"""The leora_ui tags every page uses for dates and for a customer's account type and status."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

import leora

LA = ZoneInfo("America/Los_Angeles")
LA_TENANT = SimpleNamespace(timezone="America/Los_Angeles", currency="USD")


def render(source: str, **context: Any) -> str:
    return Template("{% load leora_ui %}" + source).render(Context({"tenant": LA_TENANT, **context}))


def this_year() -> int:
    """The tenant's current year: what the tags compare a date's year with."""
    return timezone.now().astimezone(LA).year


# -- dates ------------------------------------------------------------------------------------------
def test_short_date_leaves_out_this_years_year() -> None:
    day = date(this_year(), 8, 7)
    assert render("{% short_date day %}", day=day) == "7 Aug"


def test_short_date_writes_another_years_year() -> None:
    day = date(this_year() - 1, 8, 7)
    assert render("{% short_date day %}", day=day) == f"7 Aug {this_year() - 1}"
    assert render("{% short_date day weekday=True %}", day=day) == f"{day:%a} 7 Aug {this_year() - 1}"


def test_short_date_of_a_datetime_is_the_day_in_the_tenants_timezone() -> None:
    # 03:00 UTC on 8 Aug is still 7 Aug in Los Angeles.
    moment = datetime(this_year(), 8, 8, 3, 0, tzinfo=UTC)
    assert render("{% short_date moment %}", moment=moment) == "7 Aug"


def test_date_time_reads_day_and_time_in_the_tenants_timezone() -> None:
    moment = datetime(this_year(), 8, 8, 3, 5, tzinfo=UTC)
    assert render("{% date_time moment %}", moment=moment) == "7 Aug, 20:05"
    last_year = moment.replace(year=this_year() - 1)
    assert render("{% date_time moment %}", moment=last_year) == f"7 Aug {this_year() - 1}, 20:05"
    assert render("{% date_time moment %}", moment=None) == "—"


def test_ago_titles_the_full_date_and_time() -> None:
    moment = timezone.now() - timedelta(days=3)
    local = moment.astimezone(LA)
    html = render("{% ago moment %}", moment=moment)
    assert f'title="{local.day} {local:%b %Y}, {local:%H:%M}"' in html and ">3 days ago</time>" in html


# -- account type and status --------------------------------------------------------------------------
def customer(account_type: str, status: str) -> Any:
    labels = {"ACTIVE": "Active", "TARGET": "Target", "PROSPECT": "Prospect"}
    statuses = {"active": "Active", "on_hold": "On hold", "closed": "Closed"}
    return SimpleNamespace(
        account_type=account_type,
        status=status,
        get_account_type_display=lambda: labels[account_type],
        get_status_display=lambda: statuses[status],
    )


def test_the_account_type_is_a_tag_and_the_status_a_dot_so_two_actives_never_look_alike() -> None:
    active = customer("ACTIVE", "active")
    type_html = render("{% account_type_badge c %}", c=active)
    status_html = render("{% customer_status_badge c %}", c=active)
    assert type_html == '<span class="tag tag-accent" title="Account type: Active">Active</span>'
    assert status_html == (
        '<span class="status-dot status-active" title="Account status: Active">Active</span>'
    )
    assert "badge" not in type_html + status_html


@pytest.mark.parametrize(
    ("status", "css", "label"),
    [("on_hold", "status-on-hold", "On hold"), ("closed", "status-closed", "Closed")],
)
def test_each_status_has_its_own_class(status: str, css: str, label: str) -> None:
    html = render("{% customer_status_badge c %}", c=customer("TARGET", status))
    assert f'class="status-dot {css}"' in html and f">{label}</span>" in html


# -- no template formats a date by hand ----------------------------------------------------------------
TEMPLATES = sorted(p for p in Path(leora.__file__).parent.rglob("*.html") if "templates" in p.parts)
# Formats for machines (a datetime= attribute, an input's value, an id) are fine; text people read is not.
MACHINE_FORMATS = {"Y-m-d", "c", "Ymd"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(Path(leora.__file__).parent)))
def test_no_template_writes_a_date_for_people_with_a_raw_filter(path: Path) -> None:
    text = path.read_text()
    hand_written = [
        match.group(0)
        for match in re.finditer(r"\|(date|time):\s*[\"']([^\"']*)[\"']", text)
        if match.group(1) == "time" or match.group(2) not in MACHINE_FORMATS
    ]
    assert not hand_written, "use {% short_date %} or {% date_time %}: " + ", ".join(hand_written)
