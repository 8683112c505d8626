"""Template filters that turn engine codes into translated labels."""

from __future__ import annotations

from typing import Any

from django import template

from schakel.engine import vocabulary
from schakel.web.core.labels import FIELD_LABELS, LABELS, TASK_LABELS

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
