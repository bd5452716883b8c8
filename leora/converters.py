"""URL converters of the pages."""

from __future__ import annotations

from django.urls import register_converter
from django.urls.converters import IntConverter


class RowIdConverter(IntConverter):
    """A row id in a page URL: at most 18 digits, so it always fits the database's 64-bit keys.

    A longer number matches no URL and answers 404, like an id that does not exist, instead of
    reaching the database and failing there.
    """

    regex = "[0-9]{1,18}"


# Registered on import: leora.pages imports this module, and every view module imports leora.pages
# before it writes its url patterns.
register_converter(RowIdConverter, "id")
