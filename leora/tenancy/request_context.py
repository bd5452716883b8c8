"""The id of the request (or job) being served, for logs and audit events."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("leora_request_id", default="")
