"""Form helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schakel.web.core.widget_html import WIDGETS, render_widget

if TYPE_CHECKING:
    from schakel.web.core.confirm import Confirmation


def copy_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's ValidationError on the form: beside the field it names, else on top."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


class NLDesignFormRenderer(DjangoTemplates):
    """Renders `{{ form }}` and `{{ field }}` groups with the NL Design System field templates.

    Set once as `FORM_RENDERER`, so a page writes `{{ form }}` and gets the label above the
    field, the hint, the inline error, the optional mark and the character counter; see
    `core/templates/core/forms/`. The widget classes come from `nlds_widget` in `core.templatetags`.
    """

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        """Django's own input, radio, box and list templates come from `widget_html` (the same
        HTML at a fraction of the CPU); every other template from the template engine."""
        if template_name in WIDGETS and request is None and context.keys() == {"widget"}:
            return render_widget(template_name, context["widget"], self._from_template).strip()
        return str(super().render(template_name, context, request))

    def _from_template(self, template_name: str, widget: Mapping[str, Any]) -> str:
        """An option's template as `{% include %}` renders it (not stripped)."""
        return str(self.get_template(template_name).render({"widget": widget}))


_WIDGET_CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, ""),  # and CheckboxSelectMultiple, its subclass: options, styled in CSS
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (Input, "utrecht-textbox utrecht-textbox--html-input"),
)


def widget_class(widget: forms.Widget) -> str:
    """The NL Design System class of a widget (the first match: checkbox before input)."""
    for kind, css in _WIDGET_CLASSES:
        if isinstance(widget, kind):
            return css
    return ""


def described_by(field: BoundField) -> str:
    """The ids of the hint, counter and error that describe a field, in reading order."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if character_limit(field):
        ids.append(f"{field.auto_id}_counter")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


def character_limit(field: BoundField) -> int | None:
    """The field's maximum length when the person types free text into it, else None."""
    limit = getattr(field.field, "max_length", None)
    widget = field.field.widget
    if "autocomplete" in widget.attrs:  # a name or a username: the limit is no one's concern
        return None
    if limit and isinstance(widget, forms.Textarea | forms.TextInput) and not widget.is_hidden:
        return int(limit)
    return None


def characters_over(field: BoundField) -> int:
    """How many characters the typed text has beyond the field's limit (0 when within): the
    counter says it on an error instead of the limit, which the error message already names."""
    limit = character_limit(field)
    if limit is None or not field.form.is_bound:
        return 0
    return max(0, len(str(field.value() or "")) - limit)


DASHES = "---------"  # Django's empty choice, as a model field or ModelChoiceField offers it


def name_empty_choice(field: forms.Field) -> None:
    """Django's "---------" as the empty choice of a list becomes words: "Kies …"."""
    if getattr(field, "empty_label", None) == DASHES:
        field.empty_label = _("Choose …")  # type: ignore[attr-defined]
        field.widget.choices = field.choices  # type: ignore[attr-defined]
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if choices and choices[0] == ("", DASHES):
            field.choices = [("", _("Choose …")), *choices[1:]]


def nlds_widget(field: BoundField) -> SafeString:
    """The field's widget with its NL Design System class, described by hint, counter, error."""
    name_empty_choice(field.field)
    widget = field.field.widget
    # Nothing is cut silently: the browser's maxlength would drop what is typed or pasted
    # beyond the limit; the counter shows it and the server says how much is too much.
    widget.attrs.pop("maxlength", None)
    attrs: dict[str, Any] = {}
    css = widget_class(widget)
    existing = str(widget.attrs.get("class", ""))
    if css and css.split()[0] not in existing.split():
        attrs["class"] = f"{existing} {css}".strip()
    if field.errors and css:
        attrs["class"] = f"{attrs.get('class', existing)} {css.split()[0]}--invalid".strip()
    if not field.field.widget.use_fieldset:
        ids = described_by(field)
        if ids:
            attrs["aria-describedby"] = ids
    if character_limit(field):
        attrs["data-counter"] = f"{field.auto_id}_counter"
    return field.as_widget(attrs=attrs)


class NativeDateInput(forms.DateInput):
    """A date field as the browser's own date picker (ISO value, shown in the user's locale)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None):
        super().__init__(attrs, format or "%Y-%m-%d")


REASON_MAX = 500
"""The longest reason a confirmation step accepts."""


class ConfirmForm(forms.Form):
    confirmed = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=REASON_MAX, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: object, confirmation: Confirmation, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if confirmation.reason_label is None:
            del self.fields["reason"]
        else:
            self.fields["reason"].label = confirmation.reason_label
            self.fields["reason"].help_text = confirmation.reason_help or ""
            self.fields["reason"].error_messages["required"] = _(
                "Give a reason: it is kept with the record."
            )
        self.fields["confirmed"].initial = "1"


_BLANK: dict[tuple[type[forms.Form], str], SafeString] = {}


def blank_form(form_class: type[forms.Form]) -> SafeString:
    """An unbound form with fixed fields and choices, rendered once per process and language.

    For a form that many pages show empty (the reveal form on every case file): its HTML does
    not depend on the request, so rendering it through the field templates on every view was
    a seventh of the case file's CPU. Not for forms whose choices come from the database or
    the user, and never for a bound form (its values and errors are the request's)."""
    key = (form_class, get_language() or "")
    html = _BLANK.get(key)
    if html is None:
        html = _BLANK[key] = form_class().render()
    return html
