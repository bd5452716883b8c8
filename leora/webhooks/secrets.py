"""Signing secrets: generated here, kept encrypted at rest, and used to sign each delivery.

A signing secret cannot be stored only as a hash (as API tokens are): every delivery needs the secret
itself to compute its HMAC. So it is encrypted with a key derived from SECRET_KEY, and a database dump
alone does not reveal it. The cipher is built from the standard library (the `cryptography` package is
not a dependency): HMAC-SHA256 as a pseudo-random function in counter mode for the keystream, then
HMAC-SHA256 over nonce and ciphertext (encrypt-then-MAC), each with its own derived key. Secrets
encrypted under a key in SECRET_KEY_FALLBACKS still open, so SECRET_KEY can be rotated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from django.conf import settings

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SIGNATURE_HEADER = "Leora-Signature"
_VERSION = b"v1"
_NONCE_BYTES = 16
_TAG_BYTES = 32


class SecretUnreadable(Exception):
    """The stored secret does not open with SECRET_KEY (or a fallback): it must be rotated."""


def secret_generate() -> str:
    """Return a new signing secret: ``whsec_`` and 256 random bits."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_hint(secret: str) -> str:
    """Return what pages show of a secret: its last four characters."""
    return f"…{secret[-4:]}"


def _keys(secret_key: str) -> tuple[bytes, bytes]:
    root = secret_key.encode()
    encryption = hmac.new(root, b"leora.webhooks.secret.encryption", hashlib.sha256).digest()
    authentication = hmac.new(root, b"leora.webhooks.secret.authentication", hashlib.sha256).digest()
    return encryption, authentication


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = []
    for counter in range(-(-length // 32)):
        blocks.append(hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest())
    return b"".join(blocks)[:length]


def secret_encrypt(secret: str) -> str:
    """Return ``secret`` encrypted and authenticated under SECRET_KEY, as text for the database."""
    encryption, authentication = _keys(settings.SECRET_KEY)
    plain = secret.encode()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = bytes(a ^ b for a, b in zip(plain, _keystream(encryption, nonce, len(plain)), strict=True))
    tag = hmac.new(authentication, _VERSION + nonce + cipher, hashlib.sha256).digest()
    return "v1:" + base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def secret_decrypt(stored: str) -> str:
    """Return the secret ``secret_encrypt`` stored; SecretUnreadable when no known key opens it."""
    version, _, encoded = stored.partition(":")
    try:
        raw = base64.urlsafe_b64decode(encoded.encode())
    except ValueError:
        raise SecretUnreadable("the stored signing secret is damaged") from None
    if version != "v1" or len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SecretUnreadable("the stored signing secret is damaged")
    nonce, cipher, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        encryption, authentication = _keys(secret_key)
        expected = hmac.new(authentication, _VERSION + nonce + cipher, hashlib.sha256).digest()
        if hmac.compare_digest(expected, tag):
            stream = _keystream(encryption, nonce, len(cipher))
            return bytes(a ^ b for a, b in zip(cipher, stream, strict=True)).decode()
    raise SecretUnreadable("the signing secret was encrypted under another SECRET_KEY; rotate the secret")


def signature_header(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    """Return the Leora-Signature value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def signature_verify(*, secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """Return True when ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds.

    The same check a subscriber runs (docs/webhooks.md has it as a standalone snippet).
    """
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))
