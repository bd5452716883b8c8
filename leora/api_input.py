"""What the JSON API accepts before any schema sees it: an object body sent as JSON, within limits.

django-ninja hands every JSON body and query string to ``api.parser``, after the caller has been
authenticated and before pydantic validates the operation's parameters. ``ApiParser`` refuses, with a
4xx naming the field, what would otherwise reach the database and fail there as a 500: integers beyond
64 bits (SQLite and PostgreSQL both store at most a signed 64-bit integer), non-finite numbers, NUL and
other control characters (PostgreSQL cannot store NUL in text), nesting deeper than any of our schemas
uses, a body that is not an object, a body in another format, and a body over the size limit.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from leora.errors import DomainError, FieldError, InvalidInput

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Our deepest schema (an order with its lines) nests three levels; a hundred is far beyond any real body.
MAX_DEPTH = 32
NUMBER_PARAMETERS = {"id", "page", "page_size", "limit", "offset"}
# Tab, newline and carriage return are text; every other C0 control character (NUL above all) is not.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}


class BodyRefused(DomainError):
    """A request body refused before validation because of its format: 415. (A body over the size limit
    is refused by Django as it is read; leora.api turns that into a 413.)"""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail=detail, status=status)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _refused(problems: list[FieldError]) -> InvalidInput:
    return InvalidInput("; ".join(f"{p.field}: {p.message}" for p in problems), problems)


def _path(parts: list[str | int]) -> str:
    return ".".join(str(p) for p in parts) or "body"


def value_problem(value: Any) -> str | None:
    """Return why a scalar from a request cannot be accepted, or None when it can."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        return "must be a whole number between -9223372036854775808 and 9223372036854775807"
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if isinstance(value, str) and any(ch in _CONTROL for ch in value):
        return "must not contain control characters such as NUL"
    return None


def body_problems(data: Any) -> list[FieldError]:
    """List what a decoded body holds that is refused, walking it without recursion (a hostile body may
    nest very deeply)."""
    problems: list[FieldError] = []
    stack: list[tuple[list[str | int], Any]] = [([], data)]
    while stack:
        path, value = stack.pop()
        if len(path) > MAX_DEPTH:
            problems.append(FieldError(_path(path[:MAX_DEPTH]), f"nests deeper than {MAX_DEPTH} levels"))
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                if value_problem(key):
                    problems.append(FieldError(_path(path), "has a key with control characters"))
                    continue
                stack.append(([*path, key], item))
        elif isinstance(value, list):
            stack.extend(([*path, index], item) for index, item in enumerate(value))
        else:
            problem = value_problem(value)
            if problem:
                problems.append(FieldError(_path(path), problem))
    return sorted(problems, key=lambda p: p.field)


class ApiParser(Parser):
    """The API's parser: JSON objects only, and no value the database would choke on."""

    def _number_problem(self, key: str, value: Any) -> str | None:
        if not (isinstance(value, str) and self._names_a_number(key)):
            return None
        text = value.strip()
        if not text.lstrip("+-").isdigit():
            return None  # not a number at all: the schema says so, naming the field
        return value_problem(int(text) if len(text) <= 30 else INT64_MAX + 1)

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if not _is_json(request.content_type or ""):
            raise BodyRefused(415, "Send the request body as application/json")
        try:
            data = json.loads(request.body)
        except RecursionError:
            raise _refused([FieldError("body", f"nests deeper than {MAX_DEPTH} levels")]) from None
        except ValueError as error:
            raise _refused([FieldError("body", f"is not valid JSON ({error})")]) from None
        if not isinstance(data, dict):
            raise _refused([FieldError("body", "must be a JSON object")])
        problems = body_problems(data)
        if problems:
            raise _refused(problems)
        return data

    @staticmethod
    def _names_a_number(key: str) -> bool:
        # Query values arrive as text; by our naming convention these are the whole-number ones.
        return key in NUMBER_PARAMETERS or key.endswith(("_id", "_ids"))

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        problems = [
            FieldError(key, problem)
            for key, values in data.lists()
            for value in values
            if (problem := value_problem(value) or self._number_problem(key, value))
        ]
        if problems:
            raise _refused(problems)
        return super().parse_querydict(data, list_fields, request)
