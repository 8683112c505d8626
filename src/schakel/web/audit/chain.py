"""Hashing of audit entries: each hash covers the entry's content and the previous hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any


def entry_hash(previous_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


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
