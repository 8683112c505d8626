"""Key rotation: re-wrap every data key with the newest master key and seal what is not yet.

`schakel keys rotate` runs `rotate_keys`; it works in batches, each in its own transaction,
and skips what is already done, so an interrupted run is simply started again. Afterwards
`check_keys` proves that the first master key alone opens every record: then the older keys
can be removed from SCHAKEL_ENCRYPTION_KEYS.

What is rotated is found, not listed: every `SealedTextField` of every model, plus the columns
a model names in `sealed_columns` (column -> subject path; the identity record, whose older
rows were encrypted with the ring itself).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from schakel.web.core import crypto
from schakel.web.core.fields import SealedTextField
from schakel.web.core.models import DataKey

BATCH = 1000
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Column:
    model: type[models.Model]
    name: str
    subject: str
    ring_tokens: bool
    """Older values are bare tokens of the key ring (identity), not plaintext."""

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"


def sealed_columns() -> list[Column]:
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, SealedTextField):
                found.append(Column(model, f.name, f.subject, ring_tokens=False))
        for name, subject in getattr(model, "sealed_columns", {}).items():
            found.append(Column(model, name, subject, ring_tokens=True))
    return sorted(found, key=operator.attrgetter("label"))


@dataclass
class RotationReport:
    data_keys: int = 0
    data_keys_rotated: int = 0
    values: int = 0
    values_sealed: int = 0
    by_column: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return self.data_keys + self.values

    def summary(self) -> dict[str, Any]:
        return {
            "data_keys": self.data_keys,
            "data_keys_rotated": self.data_keys_rotated,
            "values": self.values,
            "values_sealed": self.values_sealed,
            "by_column": self.by_column,
        }


def _first() -> Fernet:
    return Fernet(settings.ENCRYPTION_KEYS[0].encode())


def _opens(fernet: Fernet | MultiFernet, token: str) -> bool:
    try:
        fernet.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _batches(queryset: models.QuerySet[Any], *fields: str) -> Iterator[list[dict[str, Any]]]:
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values("pk", *fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def rotate_data_keys(report: RotationReport, progress: Progress | None = None) -> None:
    first, ring = _first(), crypto.cipher()
    for rows in _batches(DataKey.objects.all(), "wrapped"):
        stale = [r for r in rows if not _opens(first, r["wrapped"])]
        with transaction.atomic():
            for row in stale:
                rotated = ring.rotate(row["wrapped"].encode()).decode()
                DataKey.objects.filter(pk=row["pk"]).update(wrapped=rotated)
        report.data_keys += len(rows)
        report.data_keys_rotated += len(stale)
        if progress:
            progress("data keys", report.data_keys)


def _resealed(column: Column, value: str, subject: Any) -> str | None:
    if column.ring_tokens and not crypto.is_sealed(value):
        value = crypto.RING_PREFIX + value
    if value.startswith(crypto.RING_PREFIX) and subject is None:
        token = value[len(crypto.RING_PREFIX) :]
        return None if _opens(_first(), token) else crypto.reseal(value, None)
    return crypto.reseal(value, subject)


def reseal_column(column: Column, report: RotationReport, progress: Progress | None) -> None:
    """Seal plaintext, move ring-sealed text of a subject to its data key, re-encrypt the rest
    of the ring-sealed text with the newest master key. Values under a data key stay as
    they are: the data key was re-wrapped."""
    subject_path = column.subject.replace(".", "__")
    fields = [subject_path] if subject_path else []
    queryset = (
        column.model._default_manager.exclude(**{f"{column.name}__isnull": True})
        .exclude(**{column.name: ""})
        .annotate(raw=Cast(column.name, models.TextField()))
        .exclude(raw__startswith=crypto.SUBJECT_PREFIX)
    )
    done = 0
    for rows in _batches(queryset, "raw", *fields):
        changes = []
        for row in rows:
            subject = row[subject_path] if subject_path else None
            new = _resealed(column, row["raw"], subject)
            if new is not None:
                changes.append((row["pk"], new))
        with transaction.atomic():
            for pk, new in changes:
                column.model._default_manager.filter(pk=pk).update(**{column.name: new})
        done += len(rows)
        report.values += len(rows)
        report.values_sealed += len(changes)
        report.by_column[column.label] = report.by_column.get(column.label, 0) + len(changes)
        if progress:
            progress(column.label, done)


def rotate_keys(progress: Progress | None = None) -> RotationReport:
    report = RotationReport()
    rotate_data_keys(report, progress)
    for column in sealed_columns():
        reseal_column(column, report, progress)
    crypto.forget_keys()
    return report


@dataclass
class KeyCheck:
    checked: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


def check_keys() -> KeyCheck:
    """Does the first master key alone open every data key and every ring-sealed value, with
    nothing left in plaintext or in the older form?"""
    result, first = KeyCheck(), _first()

    def fail(what: str) -> None:
        result.failures[what] = result.failures.get(what, 0) + 1

    for rows in _batches(DataKey.objects.all(), "wrapped"):
        for row in rows:
            result.checked += 1
            if not _opens(first, row["wrapped"]):
                fail("data keys")
    for column in sealed_columns():
        queryset = (
            column.model._default_manager.exclude(**{f"{column.name}__isnull": True})
            .exclude(**{column.name: ""})
            .annotate(raw=Cast(column.name, models.TextField()))
            .exclude(raw__startswith=crypto.SUBJECT_PREFIX)
        )
        for rows in _batches(queryset, "raw"):
            for row in rows:
                result.checked += 1
                value = row["raw"]
                if not value.startswith(crypto.RING_PREFIX):
                    fail(f"{column.label} (not sealed)")
                elif not _opens(first, value[len(crypto.RING_PREFIX) :]):
                    fail(column.label)
    return result
