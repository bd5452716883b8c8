"""Signing secrets: encrypted at rest under SECRET_KEY, readable after a key rotation through the
fallbacks, and the signature scheme subscribers verify."""

from __future__ import annotations

import time
from typing import Any

import pytest

from leora.webhooks.secrets import (
    SecretUnreadable,
    secret_decrypt,
    secret_encrypt,
    secret_generate,
    signature_header,
    signature_verify,
)


def test_a_secret_round_trips_and_is_not_stored_in_clear() -> None:
    secret = secret_generate()

    stored = secret_encrypt(secret)

    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in stored
    assert secret_decrypt(stored) == secret


def test_the_same_secret_encrypts_differently_each_time() -> None:
    secret = secret_generate()

    assert secret_encrypt(secret) != secret_encrypt(secret)


def test_a_tampered_ciphertext_is_refused() -> None:
    stored = secret_encrypt(secret_generate())
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]

    with pytest.raises(SecretUnreadable):
        secret_decrypt(tampered)


def test_another_secret_key_cannot_read_it_but_a_fallback_can(settings: Any) -> None:
    secret = secret_generate()
    stored = secret_encrypt(secret)
    old_key = settings.SECRET_KEY

    settings.SECRET_KEY = "a-new-key-" + "x" * 40
    with pytest.raises(SecretUnreadable, match="rotate the secret"):
        secret_decrypt(stored)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert secret_decrypt(stored) == secret


def test_a_signature_verifies_only_for_its_body_secret_and_time() -> None:
    now = int(time.time())
    header = signature_header(secret="whsec_abc", body=b'{"a":1}', timestamp=now)

    assert header.startswith(f"t={now},v1=")
    assert signature_verify(secret="whsec_abc", header=header, body=b'{"a":1}')
    assert not signature_verify(secret="whsec_abc", header=header, body=b'{"a":2}')
    assert not signature_verify(secret="whsec_abd", header=header, body=b'{"a":1}')
    old = signature_header(secret="whsec_abc", body=b'{"a":1}', timestamp=now - 3600)
    assert not signature_verify(secret="whsec_abc", header=old, body=b'{"a":1}')
