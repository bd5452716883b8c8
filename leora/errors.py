"""Domain errors raised by services and turned into the API's error body by leora.api.

The body is always ``{"detail": "...", "errors": [{"field": ..., "message": ...}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class DomainError(Exception):
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        return self.detail


class InvalidInput(DomainError):
    """Input that parsed but breaks a business rule: 422."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail=detail, errors=errors or [], status=422)

    @classmethod
    def on(cls, field_name: str, message: str) -> InvalidInput:
        return cls(message, [FieldError(field_name, message)])


class NotFound(DomainError):
    def __init__(self, detail: str = "Not found") -> None:
        super().__init__(detail=detail, status=404)


class Forbidden(DomainError):
    def __init__(self, detail: str = "You are not allowed to do this") -> None:
        super().__init__(detail=detail, status=403)


class Conflict(DomainError):
    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail=detail, errors=errors or [], status=409)
