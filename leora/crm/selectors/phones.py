"""Phone numbers matched on their digits, so "555 0103", "5550103" and "(415) 555-0103" find the same
row: what the customer list, the contacts and search everywhere share."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace

# A phone number is matched on its digits once the text has this many.
PHONE_MIN_DIGITS = 3
# What people type between a phone number's digits; removed from the stored number before comparing.
PHONE_SEPARATORS = (" ", "-", "(", ")", ".", "+", "/")


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_digits(path: str) -> Replace:
    expression: F | Replace = F(path)
    for separator in PHONE_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    assert isinstance(expression, Replace)
    return expression


def phone_match(queryset: QuerySet[Any], path: str, term: str) -> tuple[QuerySet[Any], Q]:
    """Annotate the digits of ``path`` and return the Q matching them, or an always-false Q."""
    digits = digits_of(term)
    if len(digits) < PHONE_MIN_DIGITS:
        return queryset, Q(pk__in=[])
    alias = f"{path}_digits"
    return queryset.alias(**{alias: _phone_digits(path)}), Q(**{f"{alias}__contains": digits})
