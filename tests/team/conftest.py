"""The Team page's performance figures are checked against the dashboard's fixed book and pinned clock."""

from tests.dashboard.conftest import book, clock, today  # noqa: F401
