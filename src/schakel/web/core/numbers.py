"""Counts put into sentences are written as people read them: "49.500" in Dutch, "49,500" in
English, never "49500" (UX.md: Dutch formats)."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _


def grouped(number: int) -> str:
    """A whole number with its thousands grouped, in the active language."""
    return formats.number_format(int(number), force_grouping=True)


class Count(int):
    """A whole number that prints grouped, for `%(name)s` in a message: it stays an int, so
    ngettext still picks the plural form by it."""

    def __str__(self) -> str:
        return grouped(self)

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else super().__format__(spec)


class CountedMaxLengthValidator(MaxLengthValidator):
    """Django's length check, with the limit and the length as grouped counts in its message
    (the message uses `%(limit_value)s` and `%(show_value)s`, not `%d`)."""

    def __init__(self, limit_value: int, message: Any = None) -> None:
        super().__init__(Count(limit_value), message)

    def clean(self, x: Any) -> Count:
        return Count(len(x))


F = TypeVar("F", bound=forms.Field)

TOO_LONG = _("This text is %(show_value)s characters long; shorten it to %(limit_value)s at most.")


def count_length(field: F) -> F:
    """The field's length check says how long the text is and may be in grouped numbers."""
    field.validators = [
        CountedMaxLengthValidator(int(v.limit_value))
        if isinstance(v, MaxLengthValidator) and not isinstance(v, CountedMaxLengthValidator)
        else v
        for v in field.validators
    ]
    field.error_messages["max_length"] = TOO_LONG
    return field
