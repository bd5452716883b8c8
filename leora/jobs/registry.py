"""The job types a worker knows: payload schema, handler, default priority, attempts and timeout.

Handlers register themselves from ``leora.jobs.handlers`` (imported when the app is ready). A handler
is ``handler(ctx, payload) -> result``: ``payload`` is the validated pydantic model, ``result`` anything
JSON-serialisable (or None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from leora.jobs.context import JobContext

Handler = Callable[["JobContext", Any], Any]
H = TypeVar("H", bound=Handler)


class Payload(BaseModel):
    """Base of every payload schema: unknown fields are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class JobType:
    name: str
    schema: type[BaseModel]
    handler: Handler
    priority: int = 0
    max_attempts: int = 3
    timeout_seconds: int = 300
    description: str = ""
    system: bool = False
    """System types run with no tenant (cleanup, lease recovery)."""


_types: dict[str, JobType] = {}


def register(
    name: str,
    *,
    schema: type[BaseModel],
    priority: int = 0,
    max_attempts: int = 3,
    timeout_seconds: int = 300,
    description: str = "",
    system: bool = False,
) -> Callable[[H], H]:
    """Decorator registering ``handler`` as job type ``name``; returns the handler unchanged.

    Registering a name again replaces the earlier entry, so a later module can supply the real
    handler of a type registered with a placeholder.
    """

    def decorate(handler: H) -> H:
        _types[name] = JobType(
            name=name,
            schema=schema,
            handler=handler,
            priority=priority,
            max_attempts=max_attempts,
            timeout_seconds=timeout_seconds,
            description=description or (handler.__doc__ or "").strip().split("\n")[0],
            system=system,
        )
        return handler

    return decorate


def get_type(name: str) -> JobType | None:
    """Return the registered type called ``name``, or None."""
    return _types.get(name)


def all_types() -> list[JobType]:
    """Return every registered type, sorted by name."""
    return [_types[name] for name in sorted(_types)]


def type_names() -> list[str]:
    return sorted(_types)


def unregister(name: str) -> None:
    """Forget job type ``name`` (tests registering throwaway types clean up with this)."""
    _types.pop(name, None)
