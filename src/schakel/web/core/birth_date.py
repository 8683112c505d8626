"""A date of birth as three boxes, day, month and year (the GOV.UK and NL Design System date
input), where day and month may stay empty when only the year, or the month and year, is known.

The value is the text the identity record keeps ("1999-03-14", "1999-03" or "1999"). Each
error names what to fix; no counter, since nobody types a date as a string of characters.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARTS = (("day", _("Day"), 2), ("month", _("Month"), 2), ("year", _("Year"), 4))
EARLIEST_YEAR = 1900
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
WHOLE_DATE = re.compile(r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$")


class BirthDateWidget(forms.MultiWidget):
    template_name = "core/forms/birth_date.html"

    def __init__(self) -> None:
        widgets = [
            forms.TextInput(
                {
                    "class": f"{TEXTBOX} schakel-date-input__{name}",
                    "inputmode": "numeric",
                    "autocomplete": "off",
                    "size": size,
                }
            )
            for name, _label, size in PARTS
        ]
        super().__init__(widgets)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        """The three boxes; or a whole date in the field's own name (a script, or a page from
        before the boxes), split the same way."""
        parts = super().value_from_datadict(data, files, name)
        whole = str(data.get(name) or "").strip()
        if any(parts) or not whole:
            return list(parts)
        if WHOLE_DATE.match(whole):
            return self.decompress(whole)
        return ["", "", whole]

    def decompress(self, value: Any) -> list[str]:
        if not value:
            return ["", "", ""]
        parts = str(value).split("-")
        year = parts[0]
        month = parts[1] if len(parts) > 1 else ""
        day = parts[2] if len(parts) > 2 else ""
        return [day, month, year]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for sub, (_name, label, _size) in zip(context["widget"]["subwidgets"], PARTS, strict=True):
            sub["label"] = label
        return context


class BirthDateField(forms.MultiValueField):
    widget = BirthDateWidget

    def __init__(self, **kwargs: Any) -> None:
        parts = tuple(forms.CharField(required=False) for _part in PARTS)
        kwargs.setdefault(
            "help_text",
            _("For example 14 3 1999. Leave the day, or day and month, empty when unknown."),
        )
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> str:
        if not data_list:
            return ""
        day, month, year = (str(part or "").strip() for part in data_list)
        if not (day or month or year):
            return ""
        if not all(part.isdigit() for part in (day, month, year) if part):
            raise ValidationError(_("Write the date of birth in digits, for example 14 3 1999."))
        if not year:
            raise ValidationError(_("Enter the year of birth, with four digits."))
        if day and not month:
            raise ValidationError(_("Enter the month as well, or leave the day empty."))
        if len(year) != 4 or int(year) < EARLIEST_YEAR:
            raise ValidationError(
                _("Enter the year with four digits, from %(year)s on.") % {"year": EARLIEST_YEAR}
            )
        if month and not 1 <= int(month) <= 12:
            raise ValidationError(_("The month must be a number from 1 to 12."))
        try:
            born = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise ValidationError(
                _("This date does not exist. Check the day and the month.")
            ) from None
        if born > timezone.localdate():
            raise ValidationError(_("This date lies in the future. Enter a date up to today."))
        if day:
            return born.isoformat()
        return f"{born.year:04d}-{born.month:02d}" if month else f"{born.year:04d}"
