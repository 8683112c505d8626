"""Footnotes for hidden cells: which reasons a table's hidden cells have, once each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django import template

from schakel.web.monitor.publish import HiddenCell

register = template.Library()


@register.filter
def hidden_notes(rows: Iterable[Sequence[object]]) -> list[tuple[str, str]]:
    """(marker, reason) of every reason in `rows`, in marker order."""
    found: dict[str, str] = {}
    for row in rows:
        for cell in row:
            if isinstance(cell, HiddenCell):
                found.setdefault(cell.marker, cell.text)
    return sorted(found.items())
