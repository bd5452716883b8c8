"""URL names are in one style: snake_case, noun first (job_detail, task_complete)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

SNAKE_CASE = re.compile(r"^[a-z]+(_[a-z]+)*$")
# django-ninja names its own views (the OpenAPI schema, the docs page, the API root) itself.
FRAMEWORK_NAMES = {"openapi-json", "openapi-view", "api-root"}


def _names(patterns: list[URLPattern | URLResolver]) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern.url_patterns)
        elif pattern.name is not None:
            yield pattern.name


def test_the_walk_reaches_nested_url_confs() -> None:
    names = set(_names(get_resolver().url_patterns))
    assert {"customer_list", "job_detail", "metric_edit", "notification_list", "list_tasks"} <= names


def test_every_url_name_is_snake_case() -> None:
    names = set(_names(get_resolver().url_patterns)) - FRAMEWORK_NAMES
    assert sorted(name for name in names if not SNAKE_CASE.match(name)) == []
