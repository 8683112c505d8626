"""The widgets written out in Python (`core/widget_html.py`) give exactly the HTML of Django's
templates: every widget kind, with values and attributes that templates treat specially
(None, True, False, numbers, markup to escape, text marked safe, groups, a lazy label)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from schakel.web.core.forms import NLDesignFormRenderer
from schakel.web.core.widget_html import WIDGETS

CHOICES = [
    ("", "Choose …"),
    ("a", "A & B"),
    ("Group <1>", [("g1", "One"), ("g2", mark_safe("<em>Two</em>"))]),
    (3, 3),
    ("lazy", gettext_lazy("Yes")),
]
ATTRS: dict[str, Any] = {
    "id": "id_x",
    "class": "utrecht-textbox",
    "required": True,
    "disabled": False,
    "data-n": 7,
    "aria-describedby": 'a "quoted" id',
}
WIDGETS_AND_VALUES: list[tuple[forms.Widget, Any]] = [
    (forms.TextInput(), None),
    (forms.TextInput(), "Jansen <script>"),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.EmailInput(), "a@example.org"),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.NumberInput(), 1.5),
    (forms.NumberInput(), 1234),
    (forms.HiddenInput(), 12),
    (forms.DateInput(), dt.date(2026, 12, 6)),
    (forms.DateTimeInput(), dt.datetime(2026, 12, 6, 14, 5)),
    (forms.TimeInput(), dt.time(14, 5)),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.Select(choices=CHOICES), "g2"),
    (forms.Select(choices=CHOICES), None),
    (forms.SelectMultiple(choices=CHOICES), ["a", "g1"]),
    (forms.RadioSelect(choices=CHOICES), "a"),
    (forms.RadioSelect(choices=[("present", "Yes"), ("absent", "No")]), "absent"),
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["3", "lazy"]),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("widget", "value"), WIDGETS_AND_VALUES)
@pytest.mark.parametrize("attrs", [{}, ATTRS])
def test_a_widget_renders_as_its_template_does(
    widget: forms.Widget, value: Any, attrs: dict[str, Any], language: str
) -> None:
    with override(language):
        expected = widget.render("x", value, attrs, renderer=DjangoTemplates())
        written = widget.render("x", value, attrs, renderer=NLDesignFormRenderer())
    assert written == expected


def test_a_radio_button_alone_renders_as_its_template_does() -> None:
    """`{{ radio.tag }}` in a page's own loop (the signal check's questions)."""

    class Question(forms.Form):
        answer = forms.ChoiceField(
            choices=[("present", "Yes"), ("absent", "No"), ("unknown", "I don't know")],
            widget=forms.RadioSelect,
            initial="unknown",
        )

    plain = Question(renderer=DjangoTemplates())
    written = Question(renderer=NLDesignFormRenderer())
    for expected, radio in zip(plain["answer"], written["answer"], strict=True):
        assert radio.tag() == expected.tag()
        assert radio.tag(wrap_label=True) == expected.tag(wrap_label=True)


def test_the_written_out_templates_are_the_ones_the_renderer_intercepts() -> None:
    """A widget whose template is not written out still goes to the template engine."""
    renderer = NLDesignFormRenderer()
    area = forms.Textarea().render("x", "a < b", renderer=renderer)
    assert "django/forms/widgets/textarea.html" not in WIDGETS
    assert area == '<textarea name="x" cols="40" rows="10">\na &lt; b</textarea>'
