"""The linkage key: where it comes from, what it is called, and the keyed tokens made with it.

The sources share one secret; the party that links never holds it. Without the key, a token
or a Bloom filter cannot be recomputed from a guessed name (a dictionary attack), so everything
that leaves a source is keyed. Each purpose gets its own subkey, so a token made for one field
says nothing about another field with the same value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from schakel.engine.errors import SchakelError

KEY_ENVIRONMENT_VARIABLE = "SCHAKEL_LINKAGE_KEY"
MIN_KEY_LENGTH = 32
DOMAIN = b"schakel-linkage/v1/"
_SEPARATOR = "\x1f"


class LinkageKeyError(SchakelError):
    """The key is missing, too short or unreadable."""


@dataclass(frozen=True)
class LinkageKey:
    """A shared secret and its epoch label. The secret never appears in repr or output."""

    secret: bytes = field(repr=False)
    epoch: str = "1"

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_LENGTH:
            raise LinkageKeyError(
                f"The linkage key is too short: {len(self.secret)} bytes, "
                f"at least {MIN_KEY_LENGTH} are needed."
            )
        if not self.epoch or any(char.isspace() for char in self.epoch):
            raise LinkageKeyError("The key epoch must be a non-empty label without spaces.")

    @property
    def key_id(self) -> str:
        """Epoch plus a keyed fingerprint: files made with different keys can be told apart
        without revealing anything about the secret."""
        fingerprint = self.derive("key-id")[:4].hex()
        return f"{self.epoch}-{fingerprint}"

    def derive(self, purpose: str) -> bytes:
        """A subkey for one purpose (domain separation)."""
        return hmac.new(self.secret, DOMAIN + purpose.encode(), hashlib.sha256).digest()


def new_key_text() -> str:
    """A fresh random key (64 URL-safe characters) for a key file or the environment."""
    return secrets.token_urlsafe(48)


def load_key(
    path: str | Path | None = None,
    *,
    epoch: str = "1",
    environ: dict[str, str] | None = None,
) -> LinkageKey:
    """Read the key from a file, or else from SCHAKEL_LINKAGE_KEY.

    The file (or variable) holds the secret as text; surrounding whitespace is ignored.
    """
    if path is not None:
        key_path = Path(path)
        if not key_path.is_file():
            raise LinkageKeyError(f"The key file {key_path} does not exist.")
        text = key_path.read_text(encoding="utf-8").strip()
        source = f"key file {key_path}"
    else:
        text = (
            (environ if environ is not None else os.environ)
            .get(KEY_ENVIRONMENT_VARIABLE, "")
            .strip()
        )
        source = f"environment variable {KEY_ENVIRONMENT_VARIABLE}"
    if not text:
        raise LinkageKeyError(f"No linkage key: the {source} is empty or not set.")
    secret = text.encode("utf-8")
    if len(secret) < MIN_KEY_LENGTH:
        raise LinkageKeyError(
            f"The linkage key in the {source} is too short: {len(secret)} characters, "
            f"at least {MIN_KEY_LENGTH} are needed."
        )
    return LinkageKey(secret, epoch)


class Tokeniser:
    """Keyed 64-bit tokens for exact comparison and blocking.

    64 bits keep joins fast; with a million distinct values the chance that two collide is
    about 3 in 100 million, and a collision only adds one candidate pair.
    """

    def __init__(self, key: LinkageKey, purpose: str = "tokens") -> None:
        self._base = hmac.new(key.derive(purpose), digestmod=hashlib.sha256)

    def token(self, role: str, value: str) -> int:
        mac = self._base.copy()
        mac.update(f"{role}{_SEPARATOR}{value}".encode())
        return int.from_bytes(mac.digest()[:8], "big", signed=True)

    def tokens(self, role: str, values: Sequence[str | None]) -> pd.arrays.IntegerArray:
        """Tokens for a column of values; None stays missing."""
        cache: dict[str, int] = {}
        out = np.zeros(len(values), dtype=np.int64)
        missing = np.zeros(len(values), dtype=bool)
        for index, value in enumerate(values):
            if value is None:
                missing[index] = True
                continue
            token = cache.get(value)
            if token is None:
                token = cache[value] = self.token(role, value)
            out[index] = token
        return pd.arrays.IntegerArray(out, missing)


def record_token(key: LinkageKey, source_id: str) -> str:
    """The pseudonymous record id sent to the linker; the source can recompute it."""
    mac = hmac.new(key.derive("record-id"), source_id.encode(), hashlib.sha256)
    return mac.hexdigest()[:16]


def record_tokens(key: LinkageKey, source_ids: Iterable[str]) -> list[str]:
    base = hmac.new(key.derive("record-id"), digestmod=hashlib.sha256)
    out = []
    for source_id in source_ids:
        mac = base.copy()
        mac.update(source_id.encode())
        out.append(mac.hexdigest()[:16])
    return out
