"""Webhook test fixtures: a real HTTP receiver on 127.0.0.1 (a random port), subscriptions to it, and a
helper that runs the queued deliveries for real."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from leora.jobs.models import Job, JobStatus
from leora.jobs.processing import process_jobs
from leora.tenancy.models import Tenant, User
from leora.webhooks.services import JOB_TYPE, IssuedSecret, webhook_create
from tests import factories


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the local endpoint was sent, and what it answers next (200 once the script runs out)."""

    base_url: str
    requests: list[Received] = field(default_factory=list)
    script: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return self.base_url + path

    def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        """Answer the next request with ``status`` (queued after earlier answers)."""
        with self.lock:
            self.script.append((status, headers or {}, body))

    def next_answer(self) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            return self.script.pop(0) if self.script else (200, {}, b"ok")


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status, headers, answer = receiver.next_answer()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[Receiver]:
    receiver = Receiver(base_url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="webhook-receiver")
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver(_receiver_server: Receiver, settings: Any) -> Receiver:
    """The local endpoint, emptied, with private addresses allowed (it listens on 127.0.0.1)."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with _receiver_server.lock:
        _receiver_server.requests.clear()
        _receiver_server.script.clear()
    return _receiver_server


def subscribe(
    tenant: Tenant, user: User, url: str, events: list[str] | None = None, **fields: Any
) -> IssuedSecret:
    """Create a subscription as ``user`` (an admin of ``tenant``) through the service."""
    return webhook_create(
        actor=factories.actor(tenant, user), url=url, events=events or ["customer.created"], **fields
    )


def run_deliveries(max_jobs: int = 20) -> None:
    """Run every webhook_dispatch job that is due, moving retries' backoff to now first."""
    Job.objects.filter(type=JOB_TYPE, status=JobStatus.PENDING).update(run_after=timezone.now())
    process_jobs(max_jobs=max_jobs, types=[JOB_TYPE])
