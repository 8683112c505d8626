"""Django's plainest widget templates written out in Python, with the same output.

Django renders every widget through templates: a radio button is `radio_option.html`, which
includes `input_option.html`, which includes `input.html`, which includes `attrs.html`. A page
of the signal check with a dozen questions renders some fifty of these, and on the pages with
forms that was the largest share of the CPU a request costs (benchmarks/page_cpu.py). The
functions here produce exactly what those templates produce, character for character
(`core/tests/test_widget_html.py` compares them with the templates for every widget kind), so
`NLDesignFormRenderer` uses them for the templates named in `WIDGETS` and the template engine for
every other template (an app's own widget templates, the NL Design System field groups).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

Widget = Mapping[str, Any]
_CONTEXT = Context(autoescape=True)


def _out(value: Any) -> str:
    """`{{ value }}`: localised, then escaped unless marked safe."""
    return str(render_value_in_context(value, _CONTEXT))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (a filter that keeps a safe string safe)."""
    text = stringformat(value, "s")
    # Safe only when the value was already marked safe, as the template filter keeps it.
    return _out(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def attrs(widget: Widget) -> str:
    """django/forms/widgets/attrs.html"""
    parts = []
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_formatted(value)}"')
    return "".join(parts)


def input_tag(widget: Widget) -> str:
    """django/forms/widgets/input.html"""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    kind, name = _out(widget["type"]), _out(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{attrs(widget)}>\n'


def input_option(widget: Widget) -> str:
    """django/forms/widgets/input_option.html (a radio button or a box of a list)"""
    if not widget.get("wrap_label"):
        return input_tag(widget) + "\n"
    label_for = widget["attrs"].get("id")
    opening = f'<label for="{_out(label_for)}">' if label_for else "<label>"
    return f"{opening}{input_tag(widget)} {_out(widget['label'])}</label>\n"


def _option_of(option: Widget, render: Callable[[str, Widget], str]) -> str:
    return render(option["template_name"], option)


def select(widget: Widget, render: Callable[[str, Widget], str]) -> str:
    """django/forms/widgets/select.html"""
    parts = [f'<select name="{_out(widget["name"])}"{attrs(widget)}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + _option_of(option, render))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def select_option(widget: Widget) -> str:
    """django/forms/widgets/select_option.html"""
    value = _formatted(widget["value"])
    return f'<option value="{value}"{attrs(widget)}>{_out(widget["label"])}</option>\n'


def multiple_input(widget: Widget, render: Callable[[str, Widget], str]) -> str:
    """django/forms/widgets/multiple_input.html (radio buttons, a list of boxes)"""
    given = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    parts = ["<div"]
    if given:
        parts.append(f' id="{_out(given)}"')
    if css:
        parts.append(f' class="{_out(css)}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_out(group)}</label>")
        for option in options:
            parts.append("<div>\n    " + _option_of(option, render) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


PLAIN = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)
"""The widget templates that are `input.html` and nothing else."""


def render_widget(
    template_name: str, widget: Widget, fallback: Callable[[str, Widget], str]
) -> str:
    """The HTML of `template_name` for this widget context (not yet stripped), or `fallback`'s
    for a template this module does not write out."""

    def nested(name: str, option: Widget) -> str:
        return render_widget(name, option, fallback)

    if template_name in PLAIN:
        return input_tag(widget) + "\n"
    if template_name == "django/forms/widgets/input.html":
        return input_tag(widget)
    if template_name in (
        "django/forms/widgets/radio_option.html",
        "django/forms/widgets/checkbox_option.html",
    ):
        return input_option(widget) + "\n"
    if template_name == "django/forms/widgets/input_option.html":
        return input_option(widget)
    if template_name == "django/forms/widgets/select_option.html":
        return select_option(widget)
    if template_name == "django/forms/widgets/select.html":
        return select(widget, nested)
    if template_name in (
        "django/forms/widgets/radio.html",
        "django/forms/widgets/checkbox_select.html",
    ):
        return multiple_input(widget, nested) + "\n"
    if template_name == "django/forms/widgets/multiple_input.html":
        return multiple_input(widget, nested)
    return fallback(template_name, widget)


WIDGETS = PLAIN | {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "radio_option",
        "checkbox_option",
        "input_option",
        "select_option",
        "select",
        "radio",
        "checkbox_select",
        "multiple_input",
    )
}
"""Templates written out here; a top-level render of any other goes to the template engine."""
