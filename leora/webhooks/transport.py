"""Sending one webhook POST safely: the SSRF guard and an HTTP client that connects only where it checked.

The guard resolves the URL's host (socket.getaddrinfo) and refuses private, loopback, link-local,
multicast, reserved and other non-public addresses, unless WEBHOOKS_ALLOW_PRIVATE is on or the address
is inside WEBHOOKS_ALLOWED_NETWORKS. The connection then goes to the very address that was checked (the
Host header and TLS SNI and certificate check still use the name), so a DNS answer that changes between
the check and the connect (DNS rebinding) cannot send us elsewhere. Redirects are not followed by the
HTTP library: we follow up to MAX_REDIRECTS ourselves, checking every target the same way.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 3
TIMEOUT_SECONDS = 10.0
SNIPPET_CHARS = 500
REDIRECT_CODES = {301, 302, 303, 307, 308}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrl(Exception):
    """The URL is not one Leora will call: a plain message saying why."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``addresses``, in the resolver's order) and what to call it
    (``host``, for the Host header, SNI and the certificate check)."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]

    @property
    def address(self) -> str:
        return self.addresses[0]


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in getattr(settings, "WEBHOOKS_ALLOWED_NETWORKS", []):
        networks.append(ipaddress.ip_network(entry, strict=False))
    return networks


def address_problem(address: IPAddress) -> str | None:
    """Return why ``address`` may not be called (``"a loopback address"``), or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False):
        return None
    if any(address in network for network in _allowed_networks()):
        return None
    checks = [
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_private", "a private address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
    ]
    for attribute, text in checks:
        if getattr(address, attribute):
            return text
    if not address.is_global:
        return "not a public address"
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"the host {host} does not resolve") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeUrl(f"the host {host} does not resolve")
    return addresses


def url_check(url: str) -> Target:
    """Return the checked target of ``url``, or raise UnsafeUrl saying what is wrong with it.

    Every address the name resolves to must be allowed: a name with one public and one private
    record is refused, since either could be the one a later lookup returns.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeUrl("enter a full URL, such as https://example.com/hooks/leora") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeUrl("enter a full http:// or https:// URL, such as https://example.com/hooks/leora")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("put no user name or password in the URL; verify the signature instead")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = _resolve(host, port)
    for address in addresses:
        problem = address_problem(address)
        if problem:
            shown = host if host == str(address) else f"{host} ({address})"
            raise UnsafeUrl(f"{shown} is {problem}; Leora only calls public addresses")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        url=url.strip(),
        scheme=parts.scheme,
        host=host,
        port=port,
        path=path,
        addresses=tuple(str(address) for address in addresses),
    )


@dataclass
class Exchange:
    """What one request came to: the final URL called, its status (None when no answer), timing."""

    url: str
    status: int | None = None
    duration_ms: int = 0
    error: str = ""
    snippet: str = ""
    refused: bool = False
    """The SSRF guard refused a URL on the way: trying again would be refused again."""
    hops: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def connect_to_checked(address: Any, timeout: Any = None, source_address: Any = None) -> socket.socket:
        # The name stays the connection's host (Host header, SNI, certificate); the socket goes to
        # an address url_check approved, each tried in turn as socket.create_connection would.
        error: OSError | None = None
        for checked in target.addresses:
            try:
                return socket.create_connection((checked, target.port), timeout, source_address)
            except OSError as exc:
                error = exc
        assert error is not None
        raise error

    connection._create_connection = connect_to_checked  # type: ignore[attr-defined]
    return connection


def _post_once(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str, str]:
    connection = _connection(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(4096).decode("utf-8", errors="replace")
        return response.status, response.getheader("Location") or "", text
    finally:
        connection.close()


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> Exchange:
    """POST ``body`` to ``url`` after the SSRF guard, following up to MAX_REDIRECTS checked redirects.

    Never raises for the network or the subscriber's answer: the Exchange says what happened.
    """
    started = time.monotonic()
    exchange = Exchange(url=url)
    current = url
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            exchange.url = current
            exchange.hops.append(current)
            target = url_check(current)
            status, location, text = _post_once(
                target, body, {"Content-Type": "application/json", **headers}, timeout
            )
            exchange.status, exchange.snippet = status, text[:SNIPPET_CHARS]
            if status not in REDIRECT_CODES or not location:
                break
            current = urljoin(current, location)
        else:
            exchange.error = f"more than {MAX_REDIRECTS} redirects"
            exchange.status = None
    except UnsafeUrl as exc:
        exchange.error = f"refused: {exc}"
        exchange.status = None
        exchange.refused = True
    except (OSError, http.client.HTTPException) as exc:
        exchange.error = f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__
        exchange.status = None
    exchange.duration_ms = int((time.monotonic() - started) * 1000)
    if exchange.status is not None and not exchange.succeeded and not exchange.error:
        exchange.error = f"answered HTTP {exchange.status}"
    return exchange
