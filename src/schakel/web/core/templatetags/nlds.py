"""NL Design System form helpers: widget classes, descriptions, the error summary."""

from __future__ import annotations

import re
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string

from schakel.web.core import forms as core_forms

register = template.Library()

register.filter("nlds_widget", core_forms.nlds_widget)
register.filter("described_by", core_forms.described_by)
register.filter("character_limit", core_forms.character_limit)
register.filter("characters_over", core_forms.characters_over)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def anchor(field: BoundField) -> str:
    """The id the error summary links to: the first option of a group, else the widget."""
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0"
    return str(field.id_for_label or field.auto_id)


@register.filter
def summary_line(field: BoundField, error: str) -> str:
    """One line of the error summary: the message, after the field's label unless the message
    already names the field ("Naam is verplicht", not "Naam: Naam is verplicht"). A label
    that is a sentence or a question loses its end mark before the colon ("...ingestemd: ...",
    not "...ingestemd.: ...")."""
    label, message = str(field.label or "").rstrip().rstrip(".?:"), str(error)
    if not label or re.search(rf"(?<!\w){re.escape(label)}(?!\w)", message, re.IGNORECASE):
        return message
    return f"{label}: {message}"


@register.simple_tag
def error_summary(form: Any) -> str:
    """The error summary of a bound form with errors, shown once however often it is asked for.

    A page may include `core/_error_summary.html` at its top; the form template asks again and
    then shows nothing, so a page that forgets the include still gets its summary.
    """
    if not isinstance(form, forms.BaseForm) or not form.is_bound or not form.errors:
        return ""
    if getattr(form, "_error_summary_shown", False):
        return ""
    form._error_summary_shown = True  # type: ignore[attr-defined]
    return render_to_string("core/forms/error_summary.html", {"form": form})  # a SafeString
