"""The SSRF guard: private, loopback, link-local and other non-public addresses are refused (after DNS
resolution, and on every redirect) unless a setting allows them; and the client connects where it checked."""

from __future__ import annotations

from typing import Any

import pytest

from leora.webhooks import transport
from tests.webhooks.conftest import Receiver

PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def guarded(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    settings.WEBHOOKS_ALLOWED_NETWORKS = []


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1/hook", "127.0.0.1 is a loopback address"),
        ("http://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("http://192.168.0.10:8080/hook", "192.168.0.10 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]:9000/hook", "::1 is a loopback address"),
        ("http://[::ffff:10.0.0.1]/hook", "is a private address"),
        ("http://0.0.0.0/hook", "an unspecified address"),
        ("http://224.0.0.1/hook", "a multicast address"),
        ("http://100.64.0.1/hook", "not a public address"),
    ],
)
def test_non_public_addresses_are_refused(guarded: None, url: str, problem: str) -> None:
    with pytest.raises(transport.UnsafeUrl, match=problem.replace(".", r"\.").replace("[", r"\[")):
        transport.url_check(url)


def test_a_name_resolving_to_loopback_is_refused(guarded: None) -> None:
    with pytest.raises(transport.UnsafeUrl, match=r"localhost \((127\.0\.0\.1|::1)\) is a loopback address"):
        transport.url_check("http://localhost:8000/hook")


def test_a_public_address_is_allowed_and_is_where_the_client_connects(guarded: None) -> None:
    target = transport.url_check(f"https://{PUBLIC_IP}/hooks/leora?tenant=acme")

    assert (target.address, target.port, target.path) == (PUBLIC_IP, 443, "/hooks/leora?tenant=acme")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "example.com/hook",
        "http:///nohost",
        "file:///etc/passwd",
        "http://a:b@example.com/",
    ],
)
def test_urls_that_are_not_plain_http_are_refused(guarded: None, url: str) -> None:
    with pytest.raises(transport.UnsafeUrl):
        transport.url_check(url)


def test_an_unresolvable_host_is_refused(guarded: None) -> None:
    with pytest.raises(transport.UnsafeUrl, match="does not resolve"):
        transport.url_check("https://no-such-host.invalid/hook")


def test_the_setting_allows_private_addresses(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True

    assert transport.url_check("http://10.1.2.3/hook").address == "10.1.2.3"


def test_allowed_networks_open_only_those_addresses(guarded: None, settings: Any) -> None:
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["10.20.0.0/16"]

    assert transport.url_check("http://10.20.3.4/hook").address == "10.20.3.4"
    with pytest.raises(transport.UnsafeUrl):
        transport.url_check("http://10.21.0.1/hook")


def test_a_redirect_to_a_private_address_is_refused(receiver: Receiver, settings: Any) -> None:
    # given the receiver allowed by network (as an on-premise ERP would be), all else private refused
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    receiver.answer(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    exchange = transport.post(receiver.url(), body=b"{}", headers={})

    assert exchange.refused
    assert (
        exchange.error
        == "refused: 169.254.169.254 is a link-local address; Leora only calls public addresses"
    )
    assert exchange.hops == [receiver.url(), "http://169.254.169.254/latest/meta-data/"]
    assert len(receiver.requests) == 1


def test_redirects_are_followed_up_to_three_times(receiver: Receiver) -> None:
    for step in range(3):
        receiver.answer(307, headers={"Location": f"/step{step + 1}"})

    exchange = transport.post(receiver.url("/step0"), body=b'{"a":1}', headers={})

    assert exchange.succeeded
    assert [r.path for r in receiver.requests] == ["/step0", "/step1", "/step2", "/step3"]
    assert all(r.body == b'{"a":1}' for r in receiver.requests)


def test_a_fourth_redirect_is_not_followed(receiver: Receiver) -> None:
    for step in range(4):
        receiver.answer(302, headers={"Location": f"/step{step + 1}"})

    exchange = transport.post(receiver.url("/step0"), body=b"{}", headers={})

    assert not exchange.succeeded
    assert exchange.error == "more than 3 redirects"
    assert len(receiver.requests) == 4


def test_a_closed_port_is_a_network_error_not_an_exception(receiver: Receiver) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    exchange = transport.post(f"http://127.0.0.1:{port}/hook", body=b"{}", headers={})

    assert exchange.status is None
    assert "ConnectionRefusedError" in exchange.error
    assert not exchange.refused


def test_a_name_is_sent_as_the_host_while_the_socket_goes_to_the_checked_address(receiver: Receiver) -> None:
    port = receiver.base_url.rsplit(":", 1)[1]

    exchange = transport.post(f"http://localhost:{port}/named", body=b"{}", headers={})

    assert exchange.succeeded
    [request] = receiver.requests
    assert request.headers["Host"] == f"localhost:{port}"
