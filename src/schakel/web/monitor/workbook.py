"""The monitor's tables as an Excel workbook: the same published cells as the CSV download.

Counts and estimates become numbers (shown with the decimals of the page); suppressed and
not-estimable cells keep the page's marks ("< k", the multiplication sign, "-") as text, so
a workbook never holds a value the page does not show. Every workbook has an "About" sheet
with the filters, k and the release date: a sheet copied out of context must still say what
it is.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from schakel.web.monitor.publish import SECONDARY, published_rows
from schakel.web.monitor.tables import Monitor

TABLE_TITLES = {
    "funnel": gettext_lazy("Funnel"),
    "incidence": gettext_lazy("Return incidence"),
    "sensitivity": gettext_lazy("Loss to follow-up"),
    "hazards": gettext_lazy("Hazard ratios"),
    "completeness": gettext_lazy("Completeness"),
    "quality": gettext_lazy("Data quality"),
    "flows": gettext_lazy("Paths"),
    "flow_steps": gettext_lazy("Steps"),
    "where": gettext_lazy("Where, when and why"),
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+\.(\d+)")
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def cell_value(text: str) -> tuple[object, str | None]:
    """A published cell as a workbook value and its number format (None for text)."""
    if _INTEGER.fullmatch(text):
        return int(text), "0"
    decimal = _DECIMAL.fullmatch(text)
    if decimal:
        return float(text), "0." + "0" * len(decimal.group(1))
    return text, None


def workbook_bytes(
    monitor: Monitor,
    tables: Sequence[str],
    *,
    filters: Sequence[tuple[str, str]],
    generated_at: dt.datetime,
) -> bytes:
    """One sheet per table (in `tables` order) after an "About" sheet."""
    book = Workbook()
    about = book.active
    assert isinstance(about, Worksheet)
    about.title = _sheet_title(_("About"))
    _write_about(about, monitor, tables, filters, generated_at)
    for table in tables:
        sheet = book.create_sheet(_sheet_title(str(TABLE_TITLES.get(table, table))))
        header, rows = published_rows(monitor, table)
        sheet.append([str(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([str(row[0]), *(cell_value(str(c))[0] for c in row[1:])])
            for cell, text in zip(sheet[sheet.max_row][1:], row[1:], strict=True):
                number_format = cell_value(str(text))[1]
                if number_format:
                    cell.number_format = number_format
        sheet.freeze_panes = "B2"
        _fit_widths(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_about(
    sheet: Worksheet,
    monitor: Monitor,
    tables: Sequence[str],
    filters: Sequence[tuple[str, str]],
    generated_at: dt.datetime,
) -> None:
    k = monitor.k
    release = monitor.as_of.isoformat() if monitor.as_of else ""
    rows: list[tuple[str, object]] = [
        (_("Effectiveness monitor"), ""),
        ("", ""),
        *filters,
        (_("Threshold k"), k),
        (_("Data as of (release date)"), release),
        (_("Figures up to and including"), generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        (_("Tables"), ", ".join(str(TABLE_TITLES.get(t, t)) for t in tables)),
        ("", ""),
        (f"< {k}", _("fewer than %(k)s people: not shown") % {"k": k}),
        (SECONDARY, _("withheld: together with other published counts it would reveal a "
                      "smaller group")),
        ("-", _("not estimable or not shown because a count behind it is withheld")),
        ("", ""),
        ("", _("All figures are aggregates, the same as on the monitor page and in its CSV "
               "downloads.")),
    ]  # fmt: skip
    for label, value in rows:
        sheet.append([str(label), value if isinstance(value, int) else str(value)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 80


def _sheet_title(text: str) -> str:
    return _FORBIDDEN.sub(" ", text)[:31] or "-"


def _fit_widths(sheet: Worksheet) -> None:
    for column in sheet.columns:
        letter = column[0].column_letter
        longest = max(len(str(c.value)) if c.value is not None else 0 for c in column)
        sheet.column_dimensions[letter].width = min(max(10, longest + 2), 80)
