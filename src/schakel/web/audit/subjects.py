"""Which audited objects are about one person, and which person an object is about.

The audit trail stores object types and ids; the apps that own persons know which objects
belong to whom. They register a `SubjectSource` here (as Open Forms registers plugins), so the
trail can answer "who saw this person?" and show a pseudonym instead of an id, without the
audit app importing the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

ObjectKey = tuple[str, str]
"""(object_type, object_id) as the audit trail stores them."""


@dataclass(frozen=True)
class SubjectSource:
    objects_of: Callable[[str], list[ObjectKey]]
    """The objects about the person with this pseudonym (empty when there is none)."""
    pseudonyms_of: Callable[[Sequence[ObjectKey]], dict[ObjectKey, str]]
    """The pseudonym of the person each object is about, for the objects this source knows."""


SOURCES: list[SubjectSource] = []


def register_subject_source(source: SubjectSource) -> SubjectSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def objects_about(pseudonym: str) -> list[ObjectKey]:
    return [key for source in SOURCES for key in source.objects_of(pseudonym)]


def pseudonyms(keys: Sequence[ObjectKey]) -> dict[ObjectKey, str]:
    found: dict[ObjectKey, str] = {}
    for source in SOURCES:
        found.update(source.pseudonyms_of(keys))
    return found


PAGE_SUBJECTS = frozenset({"person", "trajectory"})
"""Objects a page read lists among its subjects by id (`do_record_page_read`'s detail, e.g.
`{"trajectories": [...]}`), so "who saw this person?" finds lists as well as single reads."""


def page_mentions(keys: Sequence[ObjectKey]) -> list[str]:
    """The ids of `keys` that a page read's detail holds when it showed one of them."""
    return sorted({object_id for object_type, object_id in keys if object_type in PAGE_SUBJECTS})
