"""Hashing of audit entries: each hash covers the entry's content and the previous hash.

From `AuditHead.keyed_from` on, the hash is an HMAC-SHA256 keyed with a secret that lives
outside the database (SCHAKEL_AUDIT_KEY, else derived from SCHAKEL_SECRET_KEY): someone who
can write to the database but does not hold the key cannot re-hash a rewritten chain. Entries
before it (written by earlier versions) keep their plain SHA-256 (ADR: versioned chain).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings


def audit_key() -> bytes:
    """The chain's key: SCHAKEL_AUDIT_KEY, or one derived from the secret key."""
    configured = getattr(settings, "AUDIT_KEY", "")
    if configured:
        return str(configured).encode()
    return hashlib.sha256(f"schakel-audit-chain\n{settings.SECRET_KEY}".encode()).digest()


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(previous_hash: str, content: dict[str, Any], *, keyed: bool = False) -> str:
    message = f"{previous_hash}\n{_canonical(content)}".encode()
    if keyed:
        return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()
    return hashlib.sha256(message).hexdigest()


def sign(text: str) -> str:
    """An HMAC of a checkpoint line, so a forged checkpoint is told from a real one."""
    return hmac.new(audit_key(), text.encode(), hashlib.sha256).hexdigest()


def content_digest(content: dict[str, Any]) -> str:
    """The SHA-256 of a record's canonical content (a trajectory event in its audit entry)."""
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def entry_content(
    *,
    sequence: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    role: str,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    purpose: str,
    detail: dict[str, Any],
) -> dict[str, Any]:
    return {
        "sequence": sequence,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_name": actor_name,
        "role": role,
        "organisation": organisation_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "purpose": purpose,
        "detail": detail,
    }
