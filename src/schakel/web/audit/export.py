"""Exporting a selection of audit lines as CSV (for Dutch Excel) or XLSX; the export is itself
an audit line, with the selection it holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schakel.engine.vocabulary import Role
from schakel.web.audit.labels import object_label, purpose_label
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.subjects import pseudonyms
from schakel.web.core.labels import LABELS

EXPORT_LIMIT = 10_000
"""Above this many lines an export is refused: narrow the selection (or ask for a job)."""


def _header() -> list[str]:
    return [
        _("Line number"),
        _("Date"),
        _("Time"),
        _("Employee"),
        _("Role"),
        _("Organisation"),
        _("Action"),
        _("Object"),
        _("Person (pseudonym)"),
        _("Purpose"),
    ]


def _rows(entries: list[AuditEntry]) -> Iterator[list[str]]:
    names = pseudonyms([(e.object_type, e.object_id) for e in entries])
    for e in entries:
        local = timezone.localtime(e.at)
        yield [
            str(e.sequence),
            date_format(local, "j F Y"),
            local.strftime("%H:%M:%S"),
            e.actor_name,
            str(LABELS[Role].get(e.role, e.role)) if e.role else "",
            e.organisation.name if e.organisation else "",
            str(e.get_action_display()),
            object_label(e.object_type),
            names.get((e.object_type, e.object_id), ""),
            purpose_label(e.purpose),
        ]


def export_file(entries: list[AuditEntry], file_format: str) -> bytes:
    """The lines as a CSV (Dutch Excel) or XLSX file."""
    rows = [_header(), *_rows(entries)]
    return _xlsx(rows) if file_format == "xlsx" else _csv(rows)


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit trail")[:31])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
