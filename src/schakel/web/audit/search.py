"""Finding audit lines: filters, search and keyset pagination, within the reader's scope.

Pages go by sequence number (newest first, "lines before #n"), not by offset, so page 1,000
costs what page 1 costs: the database walks the index from a known point instead of counting
and skipping (`benchmarks/audit_search.py` measures it on millions of lines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from schakel.web.audit.labels import purposes_named
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.subjects import ObjectKey, page_mentions, pseudonyms

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """A selection of audit lines. `scope` (the organisations the reader may see) is always set."""

    scope: frozenset[int]
    about: Sequence[ObjectKey] | None = None
    """The objects about one person (`objects_about`); with it, also the page reads that
    showed one of them (`page_mentions`)."""
    trajectory: str = ""
    user_id: int | None = None
    organisation_id: int | None = None
    action: str = ""
    purpose: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    text: str = ""
    described: dict[str, str] = field(default_factory=dict)
    """What the filter says in words, for the export's audit entry and file name."""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def entries_matching(selection: AuditFilter) -> QuerySet[AuditEntry]:
    """The lines of `selection`, newest first."""
    entries = AuditEntry.objects.filter(organisation_id__in=selection.scope)
    if selection.about is not None:
        by_type: dict[str, list[str]] = {}
        for object_type, object_id in selection.about:
            by_type.setdefault(object_type, []).append(object_id)
        about = Q(pk__in=[])
        for object_type, ids in by_type.items():
            about |= Q(object_type=object_type, object_id__in=ids)
        # One IN list over the distinct ids lets the database walk (object_id, at) once per
        # id; the pairs then keep only the right kinds of object.
        ids = sorted({object_id for _, object_id in selection.about})
        about = Q(object_id__in=ids) & about
        # A page read (ADR 0024) names what it showed in its detail, not in object_id: a
        # scan of the scope's reads, so it is only added when the person has such subjects.
        shown = Q(pk__in=[])
        for mention in page_mentions(selection.about):
            shown |= Q(detail__icontains=f'"{mention}"')
        entries = entries.filter(about | (Q(action=AuditEntry.Action.READ) & shown))
    if selection.trajectory:
        entries = entries.filter(object_type="trajectory", object_id=selection.trajectory)
    if selection.user_id is not None:
        entries = entries.filter(actor_id=selection.user_id)
    if selection.organisation_id is not None:
        entries = entries.filter(organisation_id=selection.organisation_id)
    if selection.action:
        entries = entries.filter(action=selection.action)
    if selection.purpose:
        named = purposes_named(selection.purpose)
        entries = entries.filter(Q(purpose__icontains=selection.purpose) | Q(purpose__in=named))
    if selection.start is not None:
        entries = entries.filter(at__gte=_day_start(selection.start))
    if selection.end is not None:
        entries = entries.filter(at__lt=_day_start(selection.end + dt.timedelta(days=1)))
    if selection.text:
        entries = entries.filter(
            Q(actor_name__icontains=selection.text) | Q(purpose__icontains=selection.text)
        )
    return entries.order_by("-sequence")


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    before: int | None
    """The sequence to continue from ("older lines"), or None on the last page."""
    subjects: dict[ObjectKey, str]
    """The pseudonym each line's object is about, where it is about a person."""


def page_of(selection: AuditFilter, *, before: int | None, size: int = PAGE_SIZE) -> AuditPage:
    """One page of lines older than `before` (the newest when None): 2 queries plus one per
    subject source, whatever the depth."""
    entries = entries_matching(selection)
    if before is not None:
        entries = entries.filter(sequence__lt=before)
    found = list(entries.select_related("organisation")[: size + 1])
    more = len(found) > size
    found = found[:size]
    subjects = pseudonyms([(e.object_type, e.object_id) for e in found])
    return AuditPage(found, found[-1].sequence if more and found else None, subjects)
