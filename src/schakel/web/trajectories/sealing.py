"""Which payload fields of an event are free text, kept sealed beside the payload.

Codes, dates, flags and ids stay in the payload, where the monitor, the projection and the
database read them; what a person typed (notes, topics, reasons, providers, municipalities)
is sealed with the person's data key (core.crypto) and put back only when the event is read.
"""

from __future__ import annotations

import json
import types
import typing
from functools import cache
from typing import Any

from schakel.engine.trajectories.events import parse_event_type
from schakel.engine.trajectories.registry import REGISTRY
from schakel.web.core.fields import ErasedText, erased_text

TEXT_NAMES = frozenset({"note", "topic", "override_reason", "reason", "provider", "municipality"})
"""Payload fields that hold typed text (a field of these names that is a code is left alone)."""
SEALED_NAMES = "_sealed"
"""Payload key listing the sealed fields, so an erased event still has them (as a marker)."""


def _is_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return all(a is str or a is type(None) for a in typing.get_args(annotation))
    return False


@cache
def text_fields(event_type: str) -> frozenset[str]:
    model = REGISTRY[parse_event_type(event_type)].payload
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if name in TEXT_NAMES and _is_text(field.annotation)
    )


def split_payload(event_type: str, payload: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The payload without its free text, and the free text as JSON (None when there is none)."""
    names = text_fields(event_type)
    text = {k: v for k, v in payload.items() if k in names and v not in (None, "")}
    if not text:
        return payload, None
    plain = {k: v for k, v in payload.items() if k not in text}
    plain[SEALED_NAMES] = sorted(text)
    return plain, json.dumps(text, sort_keys=True, ensure_ascii=False)


def join_payload(payload: dict[str, Any], sealed: str | None) -> dict[str, Any]:
    """The payload as recorded: free text back in place, or the erased marker for each field."""
    names = payload.get(SEALED_NAMES)
    if not names:
        return payload
    full = {k: v for k, v in payload.items() if k != SEALED_NAMES}
    if sealed and not isinstance(sealed, ErasedText):
        full.update(json.loads(sealed))
    else:
        full.update({name: str(erased_text()) for name in names})
    return full
