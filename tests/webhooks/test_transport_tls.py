"""HTTPS deliveries: the socket goes to the checked address while TLS checks the certificate against the
URL's name (SNI and hostname), against a real local TLS server with a throwaway certificate."""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from leora.webhooks import transport
from tests.webhooks.conftest import Receiver, _handler_for


@pytest.fixture(scope="module")
def tls_receiver(tmp_path_factory: Any) -> Iterator[tuple[Receiver, Path]]:
    """A receiver speaking HTTPS on 127.0.0.1 with a self-signed certificate for ``localhost``."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days", "1"],
        check=True, capture_output=True,
    )  # fmt: skip
    receiver = Receiver(base_url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.base_url = f"https://localhost:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="webhook-tls-receiver")
    thread.start()
    try:
        yield receiver, cert
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def private_allowed(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def test_a_trusted_certificate_for_the_name_delivers(
    tls_receiver: tuple[Receiver, Path], private_allowed: None, monkeypatch: Any
) -> None:
    receiver, cert = tls_receiver
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))

    exchange = transport.post(receiver.url("/secure"), body=b"{}", headers={})

    assert exchange.succeeded, exchange.error
    assert receiver.requests[-1].headers["Host"] == receiver.base_url.removeprefix("https://")


def test_an_untrusted_certificate_is_a_failed_attempt(
    tls_receiver: tuple[Receiver, Path], private_allowed: None
) -> None:
    receiver, _cert = tls_receiver

    exchange = transport.post(receiver.url("/secure"), body=b"{}", headers={})

    assert exchange.status is None
    assert "CERTIFICATE_VERIFY_FAILED" in exchange.error
    assert not exchange.refused


def test_the_certificate_must_match_the_urls_name_not_the_address(
    tls_receiver: tuple[Receiver, Path], private_allowed: None, monkeypatch: Any
) -> None:
    receiver, cert = tls_receiver
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    port = receiver.base_url.rsplit(":", 1)[1]

    exchange = transport.post(f"https://127.0.0.1:{port}/secure", body=b"{}", headers={})

    assert exchange.status is None
    assert "CERTIFICATE_VERIFY_FAILED" in exchange.error
