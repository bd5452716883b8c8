"""The five types of formula values, and how error messages name them."""

from __future__ import annotations

from enum import StrEnum


class FType(StrEnum):
    NUMBER = "number"
    DURATION = "duration"
    DATE = "date"
    TEXT = "text"
    BOOLEAN = "boolean"


DESCRIBED = {
    FType.NUMBER: "a number",
    FType.DURATION: "a duration (e.g. 30 days)",
    FType.DATE: "a date",
    FType.TEXT: "a text",
    FType.BOOLEAN: "a condition (true or false)",
}
NUMERIC = frozenset({FType.NUMBER, FType.DURATION})
SCALAR = frozenset({FType.NUMBER, FType.DURATION, FType.DATE})
