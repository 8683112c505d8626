"""Encryption at rest for identity records (Fernet: AES-128-CBC with HMAC-SHA256).

The keys come from SCHAKEL_ENCRYPTION_KEYS; the first key encrypts and every key decrypts, so
keys can be rotated by putting a new key first and re-encrypting with `schakel keys rotate`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """Stored data cannot be read with the configured keys."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "SCHAKEL_ENCRYPTION_KEYS is not set: identity records cannot be encrypted or read. "
            "Create a key with `schakel keys new` and set it in the environment."
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"SCHAKEL_ENCRYPTION_KEYS: key {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets)


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.ENCRYPTION_KEYS))


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt_json(value: dict[str, Any]) -> str:
    data = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return cipher().encrypt(data).decode()


def decrypt_json(token: str) -> dict[str, Any]:
    try:
        data = cipher().decrypt(token.encode())
    except InvalidToken:
        raise DecryptionError(
            "An identity record cannot be decrypted with the keys in SCHAKEL_ENCRYPTION_KEYS."
        ) from None
    result: dict[str, Any] = json.loads(data)
    return result


def rotate(token: str) -> str:
    return cipher().rotate(token.encode()).decode()


def search_token(key: str) -> str:
    """A keyed hash of a search key: equal keys give equal tokens, and without the secret the
    token says nothing about the name behind it."""
    import hashlib
    import hmac

    secret = settings.SEARCH_KEY
    if not secret:
        raise ImproperlyConfigured(
            "SCHAKEL_SEARCH_KEY is not set: the duplicate check cannot index or find persons."
        )
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()[:32]
