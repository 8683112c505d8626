"""Encryption at rest: a key ring of master keys, and a data key per subject wrapped by it.

SCHAKEL_ENCRYPTION_KEYS is the key ring (Fernet: AES-128-CBC with HMAC-SHA256): the first key
encrypts, every key decrypts. Personal data are not encrypted with the ring itself but with
the data key of their subject (a person, a consultation; `DataKey`), which the ring wraps.
Retiring a master key therefore re-wraps the data keys (`schakel keys rotate`) instead of
re-encrypting every record, and destroying one data key erases that subject's identity and
free text everywhere, backups included once they no longer hold the key (crypto-shredding).

A sealed value says how to open it: `enc:p:<subject>:<token>` (the subject's data key) or
`enc:m:<token>` (the ring, for text that belongs to no subject). Anything else is plaintext
from before encryption, which `schakel keys rotate` seals.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc:"
SUBJECT_PREFIX = "enc:p:"
RING_PREFIX = "enc:m:"
KEY_CACHE_SECONDS = 30.0
"""How long a process keeps an unwrapped data key: a key destroyed by another process stops
opening records there within this time (in the process that destroys it, at once)."""


class DecryptionError(Exception):
    """Stored data cannot be read with the configured keys."""


class ErasedError(DecryptionError):
    """The data key of the record's subject was destroyed: the record is erased."""


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


# --- data keys --------------------------------------------------------------------------

_cache: dict[str, tuple[float, Fernet | None]] = {}
_cache_lock = threading.Lock()


def _remember(subject: str, key: Fernet | None, seconds: float = KEY_CACHE_SECONDS) -> None:
    with _cache_lock:
        if len(_cache) > 200_000:
            _cache.clear()
        _cache[subject] = (time.monotonic() + seconds, key)


def forget_keys() -> None:
    """Drop every unwrapped data key this process holds (after a rotation or in tests)."""
    with _cache_lock:
        _cache.clear()


def _unwrap(wrapped: str) -> Fernet:
    try:
        return Fernet(cipher().decrypt(wrapped.encode()))
    except InvalidToken:
        raise DecryptionError(
            "A data key cannot be unwrapped with the keys in SCHAKEL_ENCRYPTION_KEYS."
        ) from None


def data_key(subject: uuid.UUID | str) -> Fernet | None:
    """The subject's data key, or None when it was destroyed (or never made)."""
    from schakel.web.core.models import DataKey

    name = str(subject)
    cached = _cache.get(name)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    wrapped = DataKey.objects.filter(subject=name).values_list("wrapped", flat=True).first()
    key = _unwrap(wrapped) if wrapped else None
    _remember(name, key)
    return key


def load_keys(subjects: list[str]) -> None:
    """Fetch many subjects' data keys in one query (before opening many of their records)."""
    from schakel.web.core.models import DataKey

    now = time.monotonic()
    wanted = {str(s) for s in subjects if not (_cache.get(str(s)) or (0.0,))[0] > now}
    found: dict[str, Fernet] = {}
    names = sorted(wanted)
    for start in range(0, len(names), 900):
        rows = DataKey.objects.filter(subject__in=names[start : start + 900])
        found.update({str(row.subject): _unwrap(row.wrapped) for row in rows})
    for name in wanted:
        _remember(name, found.get(name))


def ensure_data_key(subject: uuid.UUID | str) -> Fernet:
    """The subject's data key, made (and wrapped with the newest master key) if it has none."""
    from schakel.web.core.models import DataKey

    key = data_key(subject)
    if key is not None:
        return key
    raw = Fernet.generate_key()
    row, created = DataKey.objects.get_or_create(
        subject=str(subject), defaults={"wrapped": cipher().encrypt(raw).decode()}
    )
    key = Fernet(raw) if created else _unwrap(row.wrapped)
    _remember(str(subject), key)
    return key


def new_data_key_rows(subjects: list[uuid.UUID]) -> tuple[list[Any], dict[str, Fernet]]:
    """Unsaved data keys for new subjects (bulk inserts such as the synthetic seed)."""
    from schakel.web.core.models import DataKey

    rows, keys = [], {}
    ring = cipher()
    for subject in subjects:
        raw = Fernet.generate_key()
        rows.append(DataKey(subject=subject, wrapped=ring.encrypt(raw).decode()))
        keys[str(subject)] = Fernet(raw)
        # Kept for the whole bulk load (sealing its rows must not look for them in the
        # database before they are inserted); destroying a key still forgets it at once.
        _remember(str(subject), keys[str(subject)], seconds=3600)
    return rows, keys


def destroy_data_keys(subjects: list[str]) -> int:
    """Crypto-shred: the subjects' identity and free text cannot be read any more."""
    from schakel.web.core.models import DataKey

    names = [str(s) for s in subjects]
    destroyed = 0
    for start in range(0, len(names), 900):
        destroyed += DataKey.objects.filter(subject__in=names[start : start + 900]).delete()[0]
    for name in names:
        _remember(name, None)
    return destroyed


# --- sealing ----------------------------------------------------------------------------


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(text: str, subject: uuid.UUID | str | None = None) -> str:
    """Encrypt text with its subject's data key (made if needed), or with the ring."""
    if subject is None:
        return RING_PREFIX + cipher().encrypt(text.encode()).decode()
    key = ensure_data_key(subject)
    return f"{SUBJECT_PREFIX}{subject}:{key.encrypt(text.encode()).decode()}"


def seal_with(key: Fernet, subject: uuid.UUID | str, text: str) -> str:
    return f"{SUBJECT_PREFIX}{subject}:{key.encrypt(text.encode()).decode()}"


def subject_of(value: str) -> str | None:
    if value.startswith(SUBJECT_PREFIX):
        return value[len(SUBJECT_PREFIX) :].split(":", 1)[0]
    return None


def unseal(value: str) -> str:
    """The text of a sealed value (plaintext passes unchanged). Raises ErasedError when the
    subject's data key is gone and DecryptionError when no configured key opens it."""
    try:
        if value.startswith(RING_PREFIX):
            return cipher().decrypt(value[len(RING_PREFIX) :].encode()).decode()
        if value.startswith(SUBJECT_PREFIX):
            subject, _, token = value[len(SUBJECT_PREFIX) :].partition(":")
            key = data_key(subject)
            if key is None:
                raise ErasedError("The subject's data key was destroyed: the record is erased.")
            return key.decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionError(
            "A record cannot be decrypted with the keys in SCHAKEL_ENCRYPTION_KEYS."
        ) from None
    return value


def reseal(value: str, subject: uuid.UUID | str | None) -> str | None:
    """The value sealed as it should be now (the newest master key for ring text, the subject's
    data key for the rest), or None when it already is."""
    if value.startswith(SUBJECT_PREFIX):
        return None
    if value.startswith(RING_PREFIX):
        if subject is None:
            rotated = cipher().rotate(value[len(RING_PREFIX) :].encode()).decode()
            return RING_PREFIX + rotated
        return seal(unseal(value), subject)
    return seal(value, subject)


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def encrypt_json(value: dict[str, Any], subject: uuid.UUID | str | None = None) -> str:
    return seal(_json(value), subject)


def encrypt_json_with(key: Fernet, subject: uuid.UUID | str, value: dict[str, Any]) -> str:
    return seal_with(key, subject, _json(value))


def decrypt_json(token: str) -> dict[str, Any]:
    """An encrypted JSON record; tokens from before data keys were made with the ring alone."""
    if is_sealed(token):
        text = unseal(token)
    else:
        try:
            text = cipher().decrypt(token.encode()).decode()
        except InvalidToken:
            raise DecryptionError(
                "An identity record cannot be decrypted with the keys in SCHAKEL_ENCRYPTION_KEYS."
            ) from None
    result: dict[str, Any] = json.loads(text)
    return result


def rotate(token: str) -> str:
    return cipher().rotate(token.encode()).decode()


def search_token(key: str) -> str:
    """A keyed hash of a search key: equal keys give equal tokens, and without the secret the
    token says nothing about the name behind it."""
    return search_token_with(key, settings.SEARCH_KEY)


def search_token_with(key: str, secret: str) -> str:
    if not secret:
        raise ImproperlyConfigured(
            "SCHAKEL_SEARCH_KEY is not set: the duplicate check cannot index or find persons."
        )
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()[:32]
