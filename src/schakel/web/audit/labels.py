"""Dutch and English names for what the audit trail stores as codes and English purposes.

One list for the whole site: `core.labels` (AUDIT_OBJECTS, AUDIT_PURPOSES, audit_purpose);
this module adds what the audit trail's search needs on top.
"""

from __future__ import annotations

from schakel.engine.trajectories.events import EventType
from schakel.web.core.labels import AUDIT_OBJECTS, AUDIT_PURPOSES, audit_purpose


def object_label(object_type: str) -> str:
    return str(AUDIT_OBJECTS.get(object_type, object_type.replace("_", " ")))


def purpose_label(purpose: str) -> str:
    return audit_purpose(purpose)


def purposes_named(text: str) -> list[str]:
    """The stored (English) purposes whose name in the active language contains `text`, so
    "Doel bevat: inzien" finds "view trajectory"."""
    needle = text.casefold()
    stored = [*AUDIT_PURPOSES, *(f"record {t.value}" for t in EventType)]
    return [p for p in stored if needle in audit_purpose(p).casefold()]
