"""Template filters that turn engine codes into translated labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language

from schakel.engine import vocabulary
from schakel.web.core.labels import AUDIT_OBJECTS, FIELD_LABELS, LABELS, TASK_LABELS
from schakel.web.core.urls import url_with_keys

register = template.Library()
_ENUMS = {enum.__name__: enum for enum in LABELS}


@register.filter
def label(code: str, enum_name: str) -> Any:
    enum = _ENUMS.get(enum_name) or getattr(vocabulary, enum_name)
    return LABELS[enum].get(str(code), code)


@register.filter
def field_label(name: str) -> Any:
    return FIELD_LABELS.get(name, name)


@register.filter
def task_label(kind: str) -> Any:
    return TASK_LABELS.get(kind, kind)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def audit_object(object_type: str) -> Any:
    """What an audit entry is about, by name."""
    return AUDIT_OBJECTS.get(object_type, object_type)


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """A share (0-100) as "4,9 %" in Dutch and "4.9%" in English; empty stays empty."""
    if value is None or value == "":
        return ""
    number = formats.number_format(float(value), int(decimals))
    if (get_language() or "nl").startswith("nl"):
        return f"{number}\u00a0%"
    return f"{number}%"


@register.filter
def grouped(value: Any) -> str:
    """A whole number with the thousands grouped: "1.234" in Dutch, "1,234" in English."""
    if value is None or value == "":
        return ""
    return formats.number_format(int(value), force_grouping=True)


@register.simple_tag
def row_url(name: str, *keys: Any) -> str:
    """`{% url name key ... %}` for a row of a long list, without reversing the pattern per row."""
    return url_with_keys(name, *keys)
