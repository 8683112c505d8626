"""CSV downloads in two forms: one Dutch Excel opens as a table, one for machines.

Dutch Excel reads `;` as the separator, a comma as the decimal sign and needs a UTF-8 byte-order
mark to read accents; that is the default (`format=csv`). Scripts want the international form
(`?format=csv-international`): `,` separated, decimal points, English headers, no BOM. The file
name carries the selection and the date, so two downloads never look alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify

INTERNATIONAL = "csv-international"
_DECIMAL = re.compile(r"-?\d+\.\d+")
BOM = "\ufeff"

Table = tuple[Sequence[object], Iterable[Sequence[object]]]


def wants_international(request: HttpRequest) -> bool:
    return request.GET.get("format") == INTERNATIONAL


def decimal_comma(cell: object) -> str:
    """A number written with a decimal point ("0.810", as tables are published) with a comma."""
    text = "" if cell is None else str(cell)
    return text.replace(".", ",") if _DECIMAL.fullmatch(text) else text


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]], *, dutch: bool) -> str:
    """The table as CSV text; Dutch: `;` separated, decimal commas, with a byte-order mark."""
    buffer = io.StringIO()
    if dutch:
        buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";" if dutch else ",", lineterminator="\r\n")
    cell = decimal_comma if dutch else (lambda value: "" if value is None else str(value))
    writer.writerow([str(title) for title in header])
    writer.writerows([[cell(value) for value in row] for row in rows])
    return buffer.getvalue()


def read_csv(text: str) -> list[list[str]]:
    """Rows of either form (for tests and imports): the separator and the BOM are recognised."""
    dutch = text.startswith(BOM)
    reader = csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";" if dutch else ",")
    return list(reader)


def file_name(stem: str, selection: Iterable[str], *, on: dt.date | None = None) -> str:
    """`stem-selection-words-2026-12-06.csv`: what was chosen and when, safe for any disk."""
    parts = [slugify(stem), *(slugify(str(part)) for part in selection)]
    parts.append((on or timezone.localdate()).isoformat())
    return "-".join(part for part in parts if part) + ".csv"


def csv_response(
    request: HttpRequest, table: Callable[[], Table], *, stem: str, selection: Iterable[str]
) -> HttpResponse:
    """A download of `table()`: Dutch by default, international with `?format=csv-international`.

    `table` is called in the language of the file (English for the international form), so
    headers, labels and numbers written with `django.utils.formats` follow it.
    """
    international = wants_international(request)
    language = "en" if international else translation.get_language()
    with translation.override(language):
        header, rows = table()
        text = csv_text(header, rows, dutch=not international)
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    name = file_name(stem, [*selection, *(["international"] if international else [])])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
